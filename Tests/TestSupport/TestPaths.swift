import Foundation
import Logging

/// Where the repository's files are, found from this source file's path (`Tests/TestSupport/`).
public enum TestPaths {
    /// The repository's root.
    public static let repository: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The repository's SQLite migrations, `Migrations/sqlite/`.
    public static let migrations = repository + "/Migrations/sqlite"

    /// The repository's PostgreSQL migrations, `Migrations/postgresql/`.
    public static let postgresqlMigrations = repository + "/Migrations/postgresql"

    /// `Tests/Fixtures/`.
    public static let fixtures = repository + "/Tests/Fixtures"
}

/// A logger that only lets critical messages through (the tests' default), or errors too with `TEST_LOG_ERRORS` set.
public func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["TEST_LOG_ERRORS"] != nil ? .error : .critical
    return logger
}
