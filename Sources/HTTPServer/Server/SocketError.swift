#if canImport(Glibc)
    import Glibc
#endif

/// A failed socket call, with the C library's own text for `errno` (e.g. "Address already in use").
public struct SocketError: Error, CustomStringConvertible, Sendable {
    /// The call that failed and what it was applied to, e.g. `bind(127.0.0.1:8080)`.
    public let operation: String
    /// The `errno` value.
    public let code: Int32

    public init(_ operation: String, code: Int32 = errno) {
        self.operation = operation
        self.code = code
    }

    /// `strerror(code)`.
    public var message: String { String(cString: strerror(code)) }

    public var description: String { "\(operation) failed: \(message) (errno \(code))" }
}
