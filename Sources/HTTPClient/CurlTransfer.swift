import CCurl
import HTTPFields
import Synchronization
import Timekeeping

/// One request's libcurl easy handle plus everything libcurl reads from or writes into while it runs.
///
/// Created on the caller's task, then driven only by the ``CurlMultiLoop`` thread; the continuation is resumed
/// exactly once, by whoever finishes first (completion, cancellation or shutdown).
final class CurlTransfer: @unchecked Sendable {
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var connectToList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer: UnsafeMutablePointer<CChar>

    // Written by libcurl callbacks on the multi thread only.
    private var responseBody: [UInt8] = []
    private var responseHeaders = HTTPHeaders()
    /// `HTTPClientRequest.maxResponseBytes`, and whether the write callback refused a body that passed it.
    private let bodyLimit: Int?
    private var exceededBodyLimit = false

    private struct State {
        var continuation: CheckedContinuation<HTTPClientResponse, any Error>?
        var cancelled = false
        var finished = false
    }
    private let state = Mutex(State())

    init(_ request: HTTPClientRequest, defaults: HTTPClient.Configuration) throws(HTTPClientError) {
        guard let easy = curl_easy_init() else {
            throw .transport(code: Int(CURLE_FAILED_INIT.rawValue), message: "curl_easy_init failed")
        }
        self.easy = easy
        bodyLimit = request.maxResponseBytes.map { max(0, $0) }
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        try configure(request, defaults: defaults)
    }

    deinit {
        curl_easy_cleanup(easy)
        curl_slist_free_all(headerList)
        curl_slist_free_all(connectToList)
        errorBuffer.deallocate()
    }

    // MARK: Setup

    private func configure(_ request: HTTPClientRequest, defaults: HTTPClient.Configuration) throws(HTTPClientError) {
        let method = request.method.uppercased()
        guard !method.isEmpty, method.utf8.allSatisfy(Self.isTokenByte) else {
            throw .invalidRequest("method is not an HTTP token")
        }
        let lowerURL = request.url.lowercased()
        guard lowerURL.hasPrefix("http://") || lowerURL.hasPrefix("https://") else {
            throw .invalidRequest("URL must be http:// or https://")
        }

        try set(CURLOPT_ERRORBUFFER, pointer: errorBuffer)
        try set(CURLOPT_URL, string: request.url)
        try set(CURLOPT_PROTOCOLS_STR, string: "http,https")
        try set(CURLOPT_NOSIGNAL, 1)
        try set(CURLOPT_FOLLOWLOCATION, 0)
        if request.decompressesResponse {
            try set(CURLOPT_ACCEPT_ENCODING, string: "")
        } else {
            try set(CURLOPT_HTTP_CONTENT_DECODING, 0)
        }
        if let bodyLimit {
            // Refuses at once a body whose Content-Length is too large; the write callback bounds the others.
            try check(cfi_easy_setopt_off(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(bodyLimit)))
        }
        if let target = request.connectTarget { try pin(to: target) }
        try set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout ?? defaults.connectTimeout))
        try set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout ?? defaults.timeout))
        if let userAgent = defaults.userAgent { try set(CURLOPT_USERAGENT, string: userAgent) }

        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(cfi_easy_setopt_write_cb(easy, CURLOPT_WRITEFUNCTION, curlWriteBody))
        try set(CURLOPT_WRITEDATA, pointer: context)
        try check(cfi_easy_setopt_write_cb(easy, CURLOPT_HEADERFUNCTION, curlWriteHeader))
        try set(CURLOPT_HEADERDATA, pointer: context)

        var headers = request.headers
        var bodyBytes: [UInt8]?
        switch request.body {
        case .none: bodyBytes = nil
        case .bytes(let bytes): bodyBytes = bytes
        case .multipart(let form):
            let encoded = form.encoded()
            headers["Content-Type"] = encoded.contentType
            bodyBytes = encoded.body
        }

        switch (method, bodyBytes) {
        case ("GET", nil): try set(CURLOPT_HTTPGET, 1)
        case ("HEAD", nil): try set(CURLOPT_NOBODY, 1)
        case ("POST", _):
            try set(CURLOPT_POST, 1)
            try setBody(bodyBytes ?? [])
        case (_, let bytes?):
            try set(CURLOPT_CUSTOMREQUEST, string: method)
            try setBody(bytes)
        case (_, nil):
            try set(CURLOPT_CUSTOMREQUEST, string: method)
        }

        // libcurl would otherwise send `Expect: 100-continue` for larger bodies and wait for the interim reply.
        if !headers.contains("Expect") { headers.add("Expect", "") }
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(Self.isTokenByte) else {
                throw .invalidRequest("header name is not an HTTP token")
            }
            guard !value.utf8.contains(where: { $0 == 13 || $0 == 10 || $0 == 0 }) else {
                throw .invalidRequest("header \(name) contains a line break")
            }
            // `Name;` is libcurl's spelling for a header with an empty value; `Name:` would remove it.
            let line = value.isEmpty && !name.equalsIgnoringASCIICase("Expect") ? "\(name);" : "\(name): \(value)"
            guard let appended = curl_slist_append(headerList, line) else {
                throw .transport(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_slist_append failed")
            }
            headerList = appended
        }
        try check(cfi_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))
    }

    /// Every connection goes to `target`, never through a proxy, on a fresh connection that is closed afterwards.
    private func pin(to target: HTTPClientRequest.ConnectTarget) throws(HTTPClientError) {
        let address = target.address
        guard !address.isEmpty, address.utf8.allSatisfy({ Self.isAddressByte($0) }), (1...65535).contains(target.port)
        else {
            throw .invalidRequest("connect target must be a numeric address and a port from 1 to 65535")
        }
        // `HOST:PORT:CONNECT-TO-HOST:CONNECT-TO-PORT`, with HOST and PORT empty: applies to every host and port.
        let host = address.contains(":") ? "[\(address)]" : address
        guard let list = curl_slist_append(nil, "::\(host):\(target.port)") else {
            throw .transport(code: Int(CURLE_OUT_OF_MEMORY.rawValue), message: "curl_slist_append failed")
        }
        connectToList = list
        try check(cfi_easy_setopt_slist(easy, CURLOPT_CONNECT_TO, list))
        // An empty proxy disables proxies, including those named by environment variables.
        try set(CURLOPT_PROXY, string: "")
        try set(CURLOPT_FRESH_CONNECT, 1)
        try set(CURLOPT_FORBID_REUSE, 1)
    }

    private static func isAddressByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"), UInt8(ascii: "."), UInt8(ascii: ":"):
            true
        default: false
        }
    }

    private func setBody(_ bytes: [UInt8]) throws(HTTPClientError) {
        try check(cfi_easy_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count)))
        // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes, so the Swift array need not outlive this call.
        let code = bytes.withUnsafeBytes { raw -> CURLcode in
            let empty: StaticString = ""
            let pointer = raw.baseAddress ?? UnsafeRawPointer(empty.utf8Start)
            return cfi_easy_setopt_ptr(easy, CURLOPT_COPYPOSTFIELDS, pointer)
        }
        try check(code)
    }

    private func set(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try check(cfi_easy_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, string: String) throws(HTTPClientError) {
        // libcurl copies string options (since 7.17), so a temporary C string is enough.
        try check(string.withCString { cfi_easy_setopt_str(easy, option, $0) })
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutableRawPointer) throws(HTTPClientError) {
        try check(cfi_easy_setopt_ptr(easy, option, pointer))
    }

    private func set(_ option: CURLoption, pointer: UnsafeMutablePointer<CChar>) throws(HTTPClientError) {
        try check(cfi_easy_setopt_ptr(easy, option, pointer))
    }

    private func check(_ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw .transport(code: Int(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
    }

    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int {
        Int(max(1, min(duration.wholeMilliseconds(), Int64(Int32.max))))
    }

    // MARK: Callbacks (multi thread)

    /// Keeps the bytes; false (which aborts the transfer) once the body would pass `bodyLimit`.
    fileprivate func appendBody(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if let bodyLimit, bytes.count > bodyLimit - responseBody.count {
            exceededBodyLimit = true
            return false
        }
        responseBody.append(contentsOf: bytes)
        return true
    }

    fileprivate func appendHeaderLine(_ bytes: UnsafeBufferPointer<UInt8>) {
        var end = bytes.count
        while end > 0, bytes[end - 1] == 10 || bytes[end - 1] == 13 { end -= 1 }
        let line = String(decoding: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            // A new status line (after 1xx or a proxy CONNECT): only the final response's headers count.
            responseHeaders = HTTPHeaders()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
        responseHeaders.add(name, value)
    }

    // MARK: Completion

    /// Stores the continuation; returns false (after resuming it with `CancellationError`) if already cancelled.
    func attach(_ continuation: CheckedContinuation<HTTPClientResponse, any Error>) -> Bool {
        let cancelled = state.withLock { state -> Bool in
            if state.cancelled {
                state.finished = true
                return true
            }
            state.continuation = continuation
            return false
        }
        if cancelled { continuation.resume(throwing: CancellationError()) }
        return !cancelled
    }

    func markCancelled() { state.withLock { $0.cancelled = true } }

    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Builds the response or error for libcurl's result code; called on the multi thread after removal.
    func complete(_ code: CURLcode) {
        guard code == CURLE_OK else {
            finish(.failure(error(for: code)))
            return
        }
        var status = 0
        _ = cfi_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        finish(.success(HTTPClientResponse(status: status, headers: responseHeaders, body: responseBody)))
    }

    func finish(_ result: Result<HTTPClientResponse, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<HTTPClientResponse, any Error>? in
            guard !state.finished else { return nil }
            state.finished = true
            defer { state.continuation = nil }
            return state.continuation
        }
        continuation?.resume(with: result)
    }

    private func error(for code: CURLcode) -> HTTPClientError {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        if let bodyLimit, code == CURLE_FILESIZE_EXCEEDED || (code == CURLE_WRITE_ERROR && exceededBodyLimit) {
            return .responseTooLarge(limit: bodyLimit)
        }
        switch code {
        case CURLE_OPERATION_TIMEDOUT: return .timeout(message: message)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed(message: message)
        default: return .transport(code: Int(code.rawValue), message: message)
        }
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        let scalars = Set(set.unicodeScalars)
        var view = Substring(self)
        while let first = view.unicodeScalars.first, scalars.contains(first) { view = view.dropFirst() }
        while let last = view.unicodeScalars.last, scalars.contains(last) { view = view.dropLast() }
        return String(view)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String { String(self).trimmingCharacters(in: set) }
}

private func curlWriteBody(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let length = size * count
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    let kept = data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.appendBody(UnsafeBufferPointer(start: $0, count: length))
    }
    return kept ? length : 0
}

private func curlWriteHeader(
    _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
    guard let data, let context else { return 0 }
    let length = size * count
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
    data.withMemoryRebound(to: UInt8.self, capacity: length) {
        transfer.appendHeaderLine(UnsafeBufferPointer(start: $0, count: length))
    }
    return length
}
