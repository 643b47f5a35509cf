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

    /// The caller, or a 401.
    func authenticate(_ request: Request) async throws -> Caller {
        guard let caller = try await authenticateIfPresent(request) else { throw Self.notProvided }
        return caller
    }

    /// Nil when the request carries no token credentials at all; a 401 when it carries bad ones.
    func authenticateIfPresent(_ request: Request) async throws -> Caller? {
        guard let header = request.headers["Authorization"] else { return nil }
        let key: String
        switch Self.parse(header) {
        case .none: return nil
        case .failure(let message): throw Self.unauthorized(message)
        case .key(let k): key = k
        }
        if let cached = cache.caller(for: key) { return cached }
        guard let user = try await repository.authenticate(key: key) else { throw Self.unauthorized("Invalid token.") }
        let caller = Caller(userName: user.userName, isAdmin: user.isAdmin)
        cache.store(caller, for: key)
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

    /// Splits the header as DRF does (on whitespace), scanning bytes: this runs on every request.
    static func parse(_ header: String) -> Credentials {
        let utf8 = header.utf8
        var index = utf8.startIndex
        func nextWord() -> Range<String.Index>? {
            while index < utf8.endIndex, utf8[index] == 0x20 || utf8[index] == 0x09 { utf8.formIndex(after: &index) }
            guard index < utf8.endIndex else { return nil }
            let start = index
            while index < utf8.endIndex, utf8[index] != 0x20, utf8[index] != 0x09 { utf8.formIndex(after: &index) }
            return start..<index
        }
        // A keyword of five or six letters fits a small string: no allocation.
        guard let keyword = nextWord().map({ String(Substring(header.utf8[$0])) }),
              keyword.equalsIgnoringASCIICase("Token") || keyword.equalsIgnoringASCIICase("Bearer")
        else { return .none }
        guard let keyRange = nextWord() else { return .failure("Invalid token header. No credentials provided.") }
        if nextWord() != nil { return .failure("Invalid token header. Token string should not contain spaces.") }
        let key = String(Substring(header.utf8[keyRange]))
        guard key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure("Invalid token header. Token string should not contain invalid characters.")
        }
        return .key(key)
    }
}
