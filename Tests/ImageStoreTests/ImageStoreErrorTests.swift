import Foundation
import SQLite
import Testing

@testable import ImageStore

/// Nothing leaves the store as a `SQLiteError`: each is mapped to the `ImageStoreError` case it falls into, its
/// codes and message kept for logs.
struct ImageStoreErrorTests {
    @Test func sqliteErrorsFallIntoTheirCases() {
        func mapped(_ code: Int32, _ extended: Int32? = nil) -> ImageStoreError {
            ImageStoreError(SQLiteError(code: code, extendedCode: extended, message: "m"))
        }
        #expect(mapped(5) == .busy(DatabaseFailure(code: 5, extendedCode: 5, message: "m")))
        #expect(mapped(6) == .busy(DatabaseFailure(code: 6, extendedCode: 6, message: "m")))
        let unique = SQLiteError.ExtendedCode.constraintUnique
        #expect(
            mapped(unique, unique)
                == .constraintViolation(DatabaseFailure(code: 19, extendedCode: unique, message: "m")))
        for file: Int32 in [11, 26, 10, 13, 8, 14] {
            guard case .fileFailure = mapped(file) else {
                Issue.record("code \(file) is a file failure")
                continue
            }
        }
        #expect(mapped(1) == .databaseFailure(DatabaseFailure(code: 1, extendedCode: 1, message: "m")))
        #expect(mapped(1).underlyingDatabaseFailure?.message == "m")
        #expect(ImageStoreError.duplicateImportLine("x").underlyingDatabaseFailure == nil)
    }

    @Test func aClosedDatabaseIsAnImageStoreError() async throws {
        let store = try await TestStore()
        store.database.close()
        await #expect(throws: ImageStoreError.self) { try await store.repository.image(.id(UUID()), owner: nil) }
        await #expect(throws: ImageStoreError.self) {
            try await store.repository.insert(.sample("closed"), log: .created)
        }
        #expect(throws: ImageStoreError.self) { try store.repository.imageWithoutWaiting(.id(UUID()), owner: nil) }
    }
}
