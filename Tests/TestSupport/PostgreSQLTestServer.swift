import Foundation
import PostgreSQL

/// The PostgreSQL server the tests may use: `CFIMAGES_TEST_POSTGRES_URL`, which `make test` sets to a throwaway
/// cluster (scripts/postgres-test-cluster.sh). Unset, the PostgreSQL variants of the suites are skipped (and say so
/// once on stderr), except under `CI`, where they run and fail for want of a server.
public enum PostgreSQLTestServer {
    /// The server's URL, nil when the tests have none.
    public static let url: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["CFIMAGES_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        return nil
    }()

    /// Whether the PostgreSQL variants run: a URL is set, or `CI` is (then a missing URL fails them).
    public static let isEnabled: Bool = {
        if url != nil { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil { return true }
        FileHandle.standardError.write(
            Data(
                "PostgreSQL tests skipped: CFIMAGES_TEST_POSTGRES_URL is not set (make test starts a cluster)\n".utf8))
        return false
    }()

    /// Thrown under `CI` when there is no URL.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "CFIMAGES_TEST_POSTGRES_URL is not set (required when CI is set)" }
    }

    /// A new, empty schema of its own for one test (so tests run in parallel on one database), and the URL whose
    /// connections use it (`options=-csearch_path=<schema>`). Drop it with `dropSchema(_:)`.
    public static func makeSchema(prefix: String = "t") throws -> (name: String, url: String) {
        guard let url else { throw Missing() }
        let name = prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let connection = try PostgreSQLConnection(url: url)
        try connection.execute("CREATE SCHEMA \(name)")
        let separator = url.contains("?") ? "&" : "?"
        // The schema's name is also the connections' application_name, so a test can find (and drop) them.
        return (name, url + separator + "options=-csearch_path%3D" + name + "&application_name=" + name)
    }

    /// Drops a schema made by `makeSchema` and everything in it.
    public static func dropSchema(_ name: String) {
        guard let url, let connection = try? PostgreSQLConnection(url: url) else { return }
        _ = try? connection.execute("DROP SCHEMA IF EXISTS \(name) CASCADE")
    }

    /// Terminates the server's connections of the schema made by `makeSchema` (as a restart of the server would).
    /// How many.
    @discardableResult
    public static func terminateConnections(ofSchema name: String) throws -> Int {
        guard let url else { throw Missing() }
        let connection = try PostgreSQLConnection(url: url)
        let killed = try connection.scalarInt(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1", [.text(name)])
        return Int(killed ?? 0)
    }
}
