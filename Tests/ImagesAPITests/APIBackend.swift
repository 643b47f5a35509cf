import Foundation
import TestSupport

/// The backend the API suite's `ServiceFixture` stores in: SQLite, or PostgreSQL with
/// `CFIMAGES_TEST_API_BACKEND=postgresql` (and `CFIMAGES_TEST_POSTGRES_URL`). `make test` runs the suite once per
/// backend, so every API test is parameterised by the fixture rather than copied.
enum APIBackend: String, Sendable {
    case sqlite, postgresql

    static let current: APIBackend = {
        let named = ProcessInfo.processInfo.environment["CFIMAGES_TEST_API_BACKEND"].flatMap(APIBackend.init(rawValue:))
        return named ?? .sqlite
    }()

    /// For `.disabled(if:)`: tests that look at SQLite's own tables or files.
    static var isPostgreSQL: Bool { current == .postgresql }
}
