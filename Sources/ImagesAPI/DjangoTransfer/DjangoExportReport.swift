/// What `cfimages export-django` wrote.
public struct DjangoExportReport: Sendable, Equatable {
    /// Objects written per model.
    public var counts: [String: Int] = [:]
    /// Rows that have no Django form (`model pk: reason`).
    public var skipped: [String] = []

    public var total: Int { counts.values.reduce(0, +) }

    /// The end-of-run summary, with what an export cannot carry.
    public var summaryLines: [String] {
        var lines = ["Export complete."]
        for model in DjangoModels.reported where model != DjangoModels.token && model != DjangoModels.contentType {
            lines.append("\(model): \(counts[model] ?? 0)")
        }
        lines.append(
            "authtoken.token: not exported. cfimages keeps only a hash of each key, so tokens cannot be written back: "
                + "keep the authtoken_token table of your Django database, or issue new tokens there.")
        if !skipped.isEmpty {
            lines.append("skipped: \(skipped.count)")
            lines += skipped.prefix(1000).map { "  \($0)" }
        }
        return lines
    }
}
