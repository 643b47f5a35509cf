#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An incremental HTTP/1.1 request parser (RFC 9112) over a reusable byte buffer.
///
/// Feed bytes with `append`, then call `next()` until it answers `.needMore`. A request whose body is still
/// to come is announced first with `.head` (so the server can send `100 Continue`), then delivered whole with
/// `.request`. Any `.error` is final: the server answers it and closes the connection.
///
/// Each request's body limit is chosen once its head is parsed (`Limits.bodyLimit`, else `Limits.bodyBytes`), and
/// with a `BodyBudget` its body is reserved there before any of it is buffered (see `HTTPRequestParser+Admission`).
struct HTTPRequestParser {
    struct Limits: Sendable {
        var requestLineLength: Int
        var headerBytes: Int
        var headerCount: Int
        /// The body limit of every request, unless `bodyLimit` chooses one per request.
        var bodyBytes: Int
        /// A request's body limit from its method and raw path; nil: `bodyBytes`.
        var bodyLimit: (@Sendable (HTTPMethod, String) -> Int)? = nil
    }

    enum Event {
        case needMore
        case head(RequestHead)
        case request(RequestHead, body: [UInt8])
        case error(HTTPParseError)
    }

    /// Where the scan for the end of the header block stands, as offsets from the first unconsumed byte.
    struct HeadScan {
        var scanned = 0
        var lineStart = 0
        var requestLineEnd: Int?
        var fieldLines = 0
    }

    enum State {
        case head(HeadScan)
        case lengthBody(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers(bytes: Int, fields: Int)
        case failed(HTTPParseError)
    }

    /// The longest chunk-size line (size plus extensions) accepted.
    static let maxChunkLineLength = 4096

    let limits: Limits
    /// Where bodies are reserved before they are buffered; nil: no shared bound.
    let budget: BodyBudget?
    /// The current request's body limit, set when its head is parsed.
    var requestBodyLimit: Int
    /// Bytes of `budget` the current request holds.
    var reserved = 0
    var buffer: [UInt8] = []
    /// Index in `buffer` of the first unconsumed byte.
    var start = 0
    var state: State = .head(HeadScan())
    var head: RequestHead?
    var body: [UInt8] = []

    init(limits: Limits, budget: BodyBudget? = nil) {
        self.limits = limits
        self.budget = budget
        self.requestBodyLimit = limits.bodyBytes
    }

    /// Bytes received but not yet consumed by a request.
    var bufferedCount: Int { buffer.count - start }

    /// True between requests with nothing of the next one received.
    var isAtRequestBoundary: Bool {
        if case .head = state { return bufferedCount == 0 }
        return false
    }

    /// True once a head is complete and its body is still being read.
    var isReadingBody: Bool {
        switch state {
        case .head, .failed: return false
        default: return true
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: some Collection<UInt8>) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Drops consumed bytes when that is cheap or the consumed prefix has grown large.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
            start = 0
        } else if start >= 16 * 1024, start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    /// The next parse event from the buffered bytes.
    mutating func next() -> Event {
        switch state {
        case .failed(let error):
            return .error(error)
        case .head(var scan):
            return nextHead(&scan)
        default:
            return nextBody()
        }
    }

    mutating func fail(_ error: HTTPParseError) -> Event {
        state = .failed(error)
        head = nil
        body = []
        releaseReservation()
        return .error(error)
    }

    /// Emits the finished request and resets for the next one.
    mutating func finishRequest() -> Event {
        guard let head else { return fail(.badRequest("no head")) }
        let completed = body
        body = []
        self.head = nil
        releaseReservation()
        state = .head(HeadScan())
        return .request(head, body: completed)
    }

    private mutating func nextHead(_ scan: inout HeadScan) -> Event {
        let limits = self.limits
        let start = self.start
        let result = buffer.withUnsafeBufferPointer { all in
            HTTPRequestParser.scanHead(UnsafeBufferPointer(rebasing: all[start...]), &scan, limits)
        }
        switch result {
        case .needMore:
            state = .head(scan)
            return .needMore
        case .skip(let count):
            self.start += count
            state = .head(HeadScan())
            return next()
        case .error(let error):
            return fail(error)
        case .complete(let length):
            let requestLineEnd = scan.requestLineEnd ?? 0
            let parsed = buffer.withUnsafeBufferPointer { all in
                HTTPRequestParser.parseHead(
                    UnsafeBufferPointer(rebasing: all[start..<(start + length)]), requestLineEnd: requestLineEnd
                )
            }
            self.start += length
            switch parsed {
            case .failure(let error):
                return fail(error)
            case .success(let parsedHead):
                switch parsedHead.framing {
                case .none, .length(0):
                    // Handed on as is: storing it in `head` for `finishRequest` would copy it and free the copy.
                    state = .head(HeadScan())
                    return .request(parsedHead, body: [])
                case .length(let length):
                    // Before any of the body is read: too large answers 413 at once, too much held 503.
                    requestBodyLimit = bodyLimit(for: parsedHead)
                    guard length <= requestBodyLimit else { return fail(.bodyTooLarge) }
                    guard reserve(length) else { return fail(.bodyBufferFull) }
                    head = parsedHead
                    body.reserveCapacity(min(length, 64 * 1024))
                    state = .lengthBody(remaining: length)
                case .chunked:
                    requestBodyLimit = bodyLimit(for: parsedHead)
                    head = parsedHead
                    state = .chunkSize
                }
                return .head(parsedHead)
            }
        }
    }

    enum ScanResult {
        case needMore
        case skip(Int)
        case complete(length: Int)
        case error(HTTPParseError)
    }

    /// Finds the end of the header block, enforcing CRLF line endings and the size limits as bytes arrive.
    static func scanHead(_ bytes: UnsafeBufferPointer<UInt8>, _ scan: inout HeadScan, _ limits: Limits) -> ScanResult {
        let count = bytes.count
        if scan.requestLineEnd == nil, scan.scanned == 0 {
            var skipped = 0
            while skipped + 1 < count, bytes[skipped] == HTTPBytes.cr, bytes[skipped + 1] == HTTPBytes.lf {
                skipped += 2
            }
            if skipped > 0 { return .skip(skipped) }
        }
        guard let base = bytes.baseAddress else { return .needMore }
        var i = scan.scanned
        while i < count {
            guard let found = memchr(base + i, Int32(HTTPBytes.lf), count - i) else {
                i = count
                break
            }
            let lf = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            guard lf > 0, bytes[lf - 1] == HTTPBytes.cr else { return .error(.badRequest("bare LF")) }
            if let requestLineEnd = scan.requestLineEnd {
                if lf - 1 == scan.lineStart { return .complete(length: lf + 1) }
                scan.fieldLines += 1
                if scan.fieldLines > limits.headerCount { return .error(.headersTooLarge) }
                if lf + 1 - (requestLineEnd + 1) > limits.headerBytes { return .error(.headersTooLarge) }
            } else {
                if lf == 1 { return .skip(2) }  // an empty line before the request line (RFC 9112 §2.2)
                if lf - 1 > limits.requestLineLength { return .error(.requestLineTooLong) }
                scan.requestLineEnd = lf
            }
            scan.lineStart = lf + 1
            i = lf + 1
        }
        scan.scanned = i
        if let requestLineEnd = scan.requestLineEnd {
            if count - (requestLineEnd + 1) > limits.headerBytes + 2 { return .error(.headersTooLarge) }
        } else if count > limits.requestLineLength + 1 {
            return .error(.requestLineTooLong)
        }
        return .needMore
    }
}
