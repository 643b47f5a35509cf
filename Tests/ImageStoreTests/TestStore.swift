import Foundation
import ImageStore
import JSON
import SQLite
import Synchronization
import TestSupport

/// A migrated database in a temp directory, with a repository over it and a settable clock.
final class TestStore: Sendable {
    let directory: String
    let database: Database
    let repository: SQLiteImageRepository
    let clock: TestClock

    init(migrate: Bool = true, randomKey: (@Sendable () throws -> String)? = nil) async throws {
        directory = try makeTemporaryDirectory(prefix: "imagestore-tests-")
        database = try Database(path: directory + "/cfimages.sqlite", readerCount: 3)
        let clock = TestClock(Date(timeIntervalSince1970: 1_750_000_000))
        self.clock = clock
        repository = SQLiteImageRepository(
            database: database,
            randomKey: randomKey ?? SQLiteImageRepository.randomHexKey,
            clock: { clock.now }
        )
        if migrate {
            try await Migrator(directory: TestPaths.migrations, database: database).apply()
        }
    }

    /// A separate connection for checking what is really stored.
    func inspect() throws -> Connection {
        try Connection(path: directory + "/cfimages.sqlite", mode: .readOnly)
    }

    deinit {
        database.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension ImageRecord {
    static func sample(
        _ cloudflareID: String,
        owner: String = "alice",
        status: ImageStatus = .pending,
        createdAt: Date = Date(timeIntervalSince1970: 1_750_000_000),
        expiresAt: Date? = nil,
        fileSize: Int? = nil,
        filename: String = "",
        metadata: [String: JSONValue] = [:]
    ) -> ImageRecord {
        ImageRecord(
            cloudflareID: cloudflareID, owner: owner, filename: filename, fileSize: fileSize,
            uploadURL: "https://upload.example/\(cloudflareID)", status: status, metadata: metadata,
            createdAt: createdAt, expiresAt: expiresAt ?? createdAt.addingTimeInterval(1800)
        )
    }
}

extension LogEvent {
    static let created = LogEvent("upload_url_created", message: "Direct upload URL created successfully")
}
