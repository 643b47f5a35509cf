import COpenSSL

/// A failure reported by OpenSSL, carrying OpenSSL's own description of what went wrong.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation that failed, e.g. `"RAND_bytes"`.
    public let operation: String
    /// OpenSSL's error string (from `ERR_error_string_n`), or a fallback when its error queue was empty.
    public let message: String

    public init(operation: String, message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation) failed: \(message)" }

    /// Drains OpenSSL's thread-local error queue and builds an error from its oldest entry.
    static func fromErrorQueue(operation: String) -> CryptoError {
        let code = ERR_get_error()
        // Later entries are consequences of the first one; drop them so they do not leak into the next failure.
        while ERR_get_error() != 0 {}
        guard code != 0 else {
            return CryptoError(operation: operation, message: "no error reported by OpenSSL")
        }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        let message = String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return CryptoError(operation: operation, message: message)
    }
}
