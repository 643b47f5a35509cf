import Foundation

/// A line of an import file that was imported: the ledger row that lets a re-run skip it.
public struct ImportLedgerEntry: Sendable, Hashable {
    /// Lower-case hex SHA-256 of the line's text (as the importer normalises it).
    public var lineHash: String
    /// The `images` row the line created.
    public var imageID: UUID
    public var cloudflareID: String
    /// The file the line was read from (informational; lines are matched by hash only).
    public var source: String
    public var lineNumber: Int
    public var importedAt: Date

    public init(
        lineHash: String, imageID: UUID, cloudflareID: String, source: String, lineNumber: Int, importedAt: Date
    ) {
        self.lineHash = lineHash
        self.imageID = imageID
        self.cloudflareID = cloudflareID
        self.source = source
        self.lineNumber = lineNumber
        self.importedAt = importedAt
    }
}
