import HTTPFields
import HTTPServer
import ImageStore

/// DRF `TokenAuthentication` over the repository's API tokens: `Authorization: Token <key>` (keyword matched
/// case-insensitively; `Bearer <key>` too). Failures answer 401 with `WWW-Authenticate: Token` and DRF's messages.
final class Authenticator: Sendable {
    let repository: any ImageRepository
    let cache: TokenCache

    init(repository: any ImageRepository, cacheTTL: Duration) {
        self.repository = repository
        self.cache = TokenCache(ttl: cacheTTL)
    }

    static func unauthorized(_ message: String) -> ErrorResponse {
        ErrorResponse.detail(.unauthorized, message, headers: ["WWW-Authenticate": "Token"])
    }

    static let notProvided = unauthorized("Authentication credentials were not provided.")

    /// The caller of an in-process request made on behalf of a console session (``ImagesAPI/respond(to:as:)``),
    /// already authenticated there; never set by anything a client sends.
    @TaskLocal static var delegated: Caller?

    /// The caller, or a 401.
    func authenticate(_ request: Request) async throws -> Caller {
        guard let caller = try await authenticateIfPresent(request) else { throw Self.notProvided }
        return caller
    }

    /// Nil when the request carries no token credentials at all; a 401 when it carries bad ones.
    func authenticateIfPresent(_ request: Request) async throws -> Caller? {
        if let delegated = Self.delegated { return delegated }
        guard let header = request.headers["Authorization"] else { return nil }
        let key: String
        switch Self.parse(header) {
        case .none: return nil
        case .failure(let message): throw Self.unauthorized(message)
        case .key(let k): key = k
        }
        if let cached = cache.caller(for: key) { return cached }
        let checked = ContinuousClock.now
        guard let user = try await repository.authenticate(key: key) else { throw Self.unauthorized("Invalid token.") }
        let caller = Caller(userName: user.userName, isAdmin: user.isAdmin)
        cache.store(caller, for: key, checked: checked)
        return caller
    }

    /// The caller when the request's token is cached; nil when it is not (then `authenticate` decides).
    func cachedCaller(_ request: Request) -> Caller? {
        guard let header = request.headers["Authorization"], case .key(let key) = Self.parse(header) else { return nil }
        return cache.caller(for: key)
    }

    enum Credentials: Equatable {
        /// Another scheme, or an empty header: not token authentication.
        case none
        case failure(String)
        case key(String)
    }

    /// Splits the header as DRF does (on whitespace), scanning its contiguous bytes: this runs on every request.
    static func parse(_ header: String) -> Credentials {
        var header = header
        return header.withUTF8 { bytes in
            var index = 0
            func nextWord() -> Range<Int>? {
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
                guard index < bytes.count else { return nil }
                let start = index
                while index < bytes.count, bytes[index] != 0x20, bytes[index] != 0x09 { index += 1 }
                return start..<index
            }
            guard let keyword = nextWord(), Self.isTokenKeyword(UnsafeBufferPointer(rebasing: bytes[keyword])) else {
                return .none
            }
            guard let keyRange = nextWord() else { return .failure("Invalid token header. No credentials provided.") }
            if nextWord() != nil { return .failure("Invalid token header. Token string should not contain spaces.") }
            let key = UnsafeBufferPointer(rebasing: bytes[keyRange])
            guard key.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                return .failure("Invalid token header. Token string should not contain invalid characters.")
            }
            return .key(String(decoding: key, as: UTF8.self))
        }
    }

    /// `Token` or `Bearer`, in any case.
    private static func isTokenKeyword(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        func matches(_ name: StaticString) -> Bool { name.withUTF8Buffer { word.equalsIgnoringASCIICase($0) } }
        return matches("Token") || matches("Bearer")
    }
}
