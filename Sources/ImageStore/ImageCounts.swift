/// Image statistics, read from the counter table (never a scan): the figures of the reference's `ImageStatsView`.
public struct ImageCounts: Sendable, Hashable, Codable {
    public var byStatus: [ImageStatus: Int]
    /// Sum of known file sizes.
    public var totalFileSize: Int
    /// Images with `require_signed_urls`.
    public var signedURLCount: Int
    /// Images no usage points at.
    public var orphanCount: Int
    /// Usage rows pointing at these images.
    public var usageCount: Int

    public init(
        byStatus: [ImageStatus: Int] = [:], totalFileSize: Int = 0, signedURLCount: Int = 0, orphanCount: Int = 0,
        usageCount: Int = 0
    ) {
        self.byStatus = byStatus
        self.totalFileSize = totalFileSize
        self.signedURLCount = signedURLCount
        self.orphanCount = orphanCount
        self.usageCount = usageCount
    }

    public var total: Int { byStatus.values.reduce(0, +) }
    public func count(_ status: ImageStatus) -> Int { byStatus[status] ?? 0 }
}
