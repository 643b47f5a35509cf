extension HTTPRequestParser {
    /// Advances through a Content-Length or chunked body (RFC 9112 §6–7) as far as the buffered bytes allow.
    mutating func nextBody() -> Event {
        while true {
            switch state {
            case .lengthBody(let remaining):
                let take = min(remaining, bufferedCount)
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                if take == remaining { return finishRequest() }
                state = .lengthBody(remaining: remaining - take)
                return .needMore

            case .chunkSize:
                guard let lf = findLF(within: HTTPRequestParser.maxChunkLineLength + 2) else {
                    return bufferedCount > HTTPRequestParser.maxChunkLineLength
                        ? fail(.badRequest("chunk line")) : .needMore
                }
                guard lf > start, buffer[lf - 1] == HTTPBytes.cr else { return fail(.badRequest("bare LF")) }
                let size: Int
                switch HTTPRequestParser.parseChunkSizeLine(buffer[start..<(lf - 1)]) {
                case .failure(let error): return fail(error)
                case .success(let parsed): size = parsed
                }
                start = lf + 1
                if size == 0 {
                    state = .trailers(bytes: 0, fields: 0)
                } else {
                    guard size <= requestBodyLimit - body.count else { return fail(.bodyTooLarge) }
                    guard reserve(size) else { return fail(.bodyBufferFull) }
                    state = .chunkData(remaining: size)
                }

            case .chunkData(let remaining):
                let take = min(remaining, bufferedCount)
                body.append(contentsOf: buffer[start..<(start + take)])
                start += take
                guard take == remaining else {
                    state = .chunkData(remaining: remaining - take)
                    return .needMore
                }
                state = .chunkDataEnd

            case .chunkDataEnd:
                if bufferedCount >= 1, buffer[start] != HTTPBytes.cr { return fail(.badRequest("chunk end")) }
                guard bufferedCount >= 2 else { return .needMore }
                guard buffer[start + 1] == HTTPBytes.lf else { return fail(.badRequest("chunk end")) }
                start += 2
                state = .chunkSize

            case .trailers(let bytes, let fields):
                let room = limits.headerBytes - bytes
                guard let lf = findLF(within: room + 2) else {
                    return bufferedCount > room + 1 ? fail(.headersTooLarge) : .needMore
                }
                guard lf > start, buffer[lf - 1] == HTTPBytes.cr else { return fail(.badRequest("bare LF")) }
                let lineLength = lf - 1 - start
                if lineLength == 0 {
                    start = lf + 1
                    return finishRequest()
                }
                let valid = buffer.withUnsafeBufferPointer { all in
                    HTTPRequestParser.parseFieldLine(all[start..<(lf - 1)]) != nil
                }
                guard valid else { return fail(.badRequest("trailer field")) }
                guard fields < limits.headerCount else { return fail(.headersTooLarge) }
                start = lf + 1
                state = .trailers(bytes: bytes + lineLength + 2, fields: fields + 1)

            case .head, .failed:
                return next()
            }
        }
    }

    /// Index of the first LF among the next `limit` buffered bytes.
    private func findLF(within limit: Int) -> Int? {
        let end = min(buffer.count, start + max(limit, 0))
        var index = start
        while index < end {
            if buffer[index] == HTTPBytes.lf { return index }
            index += 1
        }
        return nil
    }

    /// `chunk-size [ chunk-ext ]` without the CRLF: hex digits, then optional `;`-introduced extensions (ignored).
    static func parseChunkSizeLine(_ line: ArraySlice<UInt8>) -> Result<Int, HTTPParseError> {
        var index = line.startIndex
        var size = 0
        while index < line.endIndex, let value = HTTPBytes.hexValue(line[index]) {
            guard size <= (Int.max - value) >> 4 else { return .failure(.bodyTooLarge) }
            size = size << 4 | value
            index += 1
        }
        guard index > line.startIndex else { return .failure(.badRequest("chunk size")) }
        while index < line.endIndex, HTTPBytes.isWhitespace(line[index]) { index += 1 }
        if index < line.endIndex {
            guard line[index] == UInt8(ascii: ";") else { return .failure(.badRequest("chunk size")) }
            let extensions = line[(index + 1)...]
            guard extensions.allSatisfy(HTTPBytes.isFieldValueByte),
                let name = extensions.first(where: { !HTTPBytes.isWhitespace($0) }), HTTPBytes.isTokenChar(name)
            else { return .failure(.badRequest("chunk extension")) }
        }
        return .success(size)
    }
}
