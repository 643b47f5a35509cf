import HTTPFields

extension HTTPRequestParser {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// Validates a complete header block (request line through the empty line) and decides the body framing.
    /// `requestLineEnd` is the index of the request line's LF.
    /// The body limit is not applied here: it depends on the request (see `HTTPRequestParser+Admission`).
    static func parseHead(_ bytes: Bytes, requestLineEnd: Int) -> Result<RequestHead, HTTPParseError> {
        let requestLine = bytes[0..<(requestLineEnd - 1)]
        let method: HTTPMethod
        let target: String
        let version: (major: Int, minor: Int)
        switch parseRequestLine(requestLine) {
        case .failure(let error): return .failure(error)
        case .success(let line): (method, target, version) = line
        }

        var headers = HTTPHeaders()
        headers.reserveCapacity(8)
        var contentLengths: [Bytes.SubSequence] = []
        var transferEncodings: [Bytes.SubSequence] = []
        var expectations: [Bytes.SubSequence] = []
        var connectionValues: [Bytes.SubSequence] = []
        var hostCount = 0

        var lineStart = requestLineEnd + 1
        let end = bytes.count - 2  // the final empty line's CR
        while lineStart < end {
            var lineEnd = lineStart
            while bytes[lineEnd] != HTTPBytes.lf { lineEnd += 1 }
            let line = bytes[lineStart..<(lineEnd - 1)]
            lineStart = lineEnd + 1
            guard let (name, value) = parseFieldLine(line) else { return .failure(.badRequest("field line")) }

            if HTTPBytes.equalsLowercase(name, HTTPBytes.contentLength) {
                contentLengths.append(value)
            } else if HTTPBytes.equalsLowercase(name, HTTPBytes.transferEncoding) {
                transferEncodings.append(value)
            } else if HTTPBytes.equalsLowercase(name, HTTPBytes.connection) {
                connectionValues.append(value)
            } else if HTTPBytes.equalsLowercase(name, HTTPBytes.expect) {
                expectations.append(value)
            } else if HTTPBytes.equalsLowercase(name, HTTPBytes.host) {
                hostCount += 1
            }
            headers.add(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
        }

        // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one otherwise.
        if hostCount > 1 || (hostCount == 0 && version.minor == 1) { return .failure(.badRequest("host")) }

        let framing: RequestHead.Framing
        if !transferEncodings.isEmpty {
            // Smuggling guards: no Transfer-Encoding on 1.0, never with Content-Length, only a single `chunked`.
            guard version.minor == 1, contentLengths.isEmpty else { return .failure(.badRequest("framing")) }
            var codings = 0
            for value in transferEncodings {
                for element in split(value, by: UInt8(ascii: ",")) {
                    guard HTTPBytes.equalsLowercase(HTTPBytes.trimmed(element), HTTPBytes.chunked) else {
                        return .failure(.badRequest("transfer coding"))
                    }
                    codings += 1
                }
            }
            guard codings == 1 else { return .failure(.badRequest("transfer coding")) }
            framing = .chunked
        } else if !contentLengths.isEmpty {
            switch parseContentLength(contentLengths) {
            case .failure(let error): return .failure(error)
            case .success(let length): framing = length == 0 ? .none : .length(length)
            }
        } else {
            framing = .none
        }

        var expectContinue = false
        for value in expectations {
            guard HTTPBytes.equalsLowercase(HTTPBytes.trimmed(value), HTTPBytes.continue100) else {
                return .failure(.unsupportedExpectation)
            }
            expectContinue = version.minor == 1
        }

        var sawClose = false
        var sawKeepAlive = false
        for value in connectionValues {
            for element in split(value, by: UInt8(ascii: ",")) {
                let token = HTTPBytes.trimmed(element)
                if HTTPBytes.equalsLowercase(token, HTTPBytes.close) { sawClose = true }
                if HTTPBytes.equalsLowercase(token, HTTPBytes.keepAlive) { sawKeepAlive = true }
            }
        }
        let keepAlive = !sawClose && (version.minor == 1 || sawKeepAlive)

        return .success(
            RequestHead(
                method: method, target: target, version: version, headers: headers,
                keepAlive: keepAlive, expectContinue: expectContinue, framing: framing
            ))
    }

    /// `method SP request-target SP HTTP-version`, with exactly one space between parts.
    static func parseRequestLine(
        _ line: Bytes.SubSequence
    ) -> Result<(HTTPMethod, String, (major: Int, minor: Int)), HTTPParseError> {
        guard let firstSpace = line.firstIndex(of: HTTPBytes.space), firstSpace > line.startIndex else {
            return .failure(.badRequest("request line"))
        }
        let method = line[line.startIndex..<firstSpace]
        guard method.allSatisfy(HTTPBytes.isTokenChar) else { return .failure(.badRequest("method")) }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: HTTPBytes.space), secondSpace > rest.startIndex else {
            return .failure(.badRequest("request line"))
        }
        let target = rest[rest.startIndex..<secondSpace]
        let versionBytes = rest[(secondSpace + 1)...]

        // HTTP-version = "HTTP/" DIGIT "." DIGIT
        guard versionBytes.count == 8, versionBytes.prefix(5).elementsEqual(HTTPBytes.versionPrefix),
            versionBytes[versionBytes.startIndex + 6] == UInt8(ascii: "."),
            let major = digit(versionBytes[versionBytes.startIndex + 5]),
            let minor = digit(versionBytes[versionBytes.startIndex + 7])
        else { return .failure(.badRequest("version")) }
        guard major == 1, minor == 0 || minor == 1 else { return .failure(.unsupportedVersion) }

        guard target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }) else { return .failure(.badRequest("target")) }
        let first = target[target.startIndex]
        let isOrigin = first == UInt8(ascii: "/")
        let isAsterisk = target.count == 1 && first == UInt8(ascii: "*") && method.elementsEqual("OPTIONS".utf8)
        guard isOrigin || isAsterisk || isAbsoluteForm(target) else { return .failure(.badRequest("target form")) }

        return .success(
            (
                HTTPMethod(rawValue: String(decoding: method, as: UTF8.self)),
                String(decoding: target, as: UTF8.self),
                (major, minor)
            ))
    }

    /// `scheme "://" ...` with an RFC 3986 scheme.
    static func isAbsoluteForm(_ target: Bytes.SubSequence) -> Bool {
        var index = target.startIndex
        guard index < target.endIndex, isAlpha(target[index]) else { return false }
        while index < target.endIndex {
            let byte = target[index]
            if byte == HTTPBytes.colon {
                return target[index...].starts(with: "://".utf8)
            }
            guard
                isAlpha(byte) || digit(byte) != nil || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: ".")
            else { return false }
            index += 1
        }
        return false
    }

    /// `field-name ":" OWS field-value OWS`; nil for obs-fold, whitespace before the colon, or bad bytes.
    static func parseFieldLine(_ line: Bytes.SubSequence) -> (name: Bytes.SubSequence, value: Bytes.SubSequence)? {
        guard let colon = line.firstIndex(of: HTTPBytes.colon), colon > line.startIndex else { return nil }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(HTTPBytes.isTokenChar) else { return nil }
        let value = HTTPBytes.trimmed(line[(colon + 1)...])
        guard value.allSatisfy(HTTPBytes.isFieldValueByte) else { return nil }
        return (name, value)
    }

    /// Every Content-Length value (across repeated fields and comma lists) must be the same decimal number. One
    /// too large for an `Int` is too large for any limit: 413, without trapping.
    static func parseContentLength(_ values: [Bytes.SubSequence]) -> Result<Int, HTTPParseError> {
        var length: Int?
        var tooLarge = false
        for value in values {
            for element in split(value, by: UInt8(ascii: ",")) {
                let digits = HTTPBytes.trimmed(element)
                guard !digits.isEmpty else { return .failure(.badRequest("content-length")) }
                var number = 0
                var overflow = false
                for byte in digits {
                    guard let d = digit(byte) else { return .failure(.badRequest("content-length")) }
                    if number > (Int.max - d) / 10 { overflow = true } else if !overflow { number = number * 10 + d }
                }
                if overflow { number = Int.max }
                if let length, length != number { return .failure(.badRequest("content-length")) }
                length = number
                tooLarge = tooLarge || overflow
            }
        }
        guard let length else { return .failure(.badRequest("content-length")) }
        return tooLarge ? .failure(.bodyTooLarge) : .success(length)
    }

    static func split(_ bytes: Bytes.SubSequence, by separator: UInt8) -> [Bytes.SubSequence] {
        bytes.split(separator: separator, omittingEmptySubsequences: false)
    }

    @inline(__always)
    static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    @inline(__always)
    static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
