import Foundation

/// `CFIMAGES_DATABASE_URL`: a PostgreSQL connection URL, `postgresql://user:password@host:port/db?sslmode=...`
/// or `postgresql:///db?host=/socket/dir` (libpq's URI form). Its `description` never shows the password.
public struct DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, password included: for the connection only, never for a log line.
    public let connectionString: String

    /// Parses and checks `text`: scheme `postgresql` or `postgres`, a database name, a port in range if given.
    /// - Throws: `SettingsError` naming `setting`, without repeating the value (it may hold a password).
    public init(_ text: String, setting: String = "CFIMAGES_DATABASE_URL") throws {
        func refuse(_ reason: String) -> SettingsError { SettingsError(setting: setting, reason: reason) }
        guard let components = URLComponents(string: text) else {
            throw refuse("is not a URL; expected postgresql://user:password@host:port/database")
        }
        guard let scheme = components.scheme?.lowercased(), scheme == "postgresql" || scheme == "postgres" else {
            throw refuse("must start with postgresql:// (the only database URL supported; unset it for SQLite)")
        }
        let database = String(components.path.drop { $0 == "/" })
        let named = components.queryItems?.contains { $0.name == "dbname" && !($0.value ?? "").isEmpty } ?? false
        guard !database.isEmpty || named else { throw refuse("names no database (postgresql://host/database)") }
        if let port = components.port, !(1...65535).contains(port) { throw refuse("has a port out of range") }
        let hasHost =
            !(components.host ?? "").isEmpty || (components.queryItems?.contains { $0.name == "host" } ?? false)
        guard hasHost else { throw refuse("names no host (postgresql://host/database, or ?host=/socket/dir)") }
        connectionString = text
    }

    /// The URL with the password replaced by `***`.
    public var description: String {
        guard var components = URLComponents(string: connectionString) else { return "postgresql://***" }
        if components.password != nil { components.password = "***" }
        if var items = components.queryItems, items.contains(where: { $0.name == "password" }) {
            items = items.map { $0.name == "password" ? URLQueryItem(name: "password", value: "***") : $0 }
            components.queryItems = items
        }
        return components.string ?? "postgresql://***"
    }
}
