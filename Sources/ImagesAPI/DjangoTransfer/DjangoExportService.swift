import Base16
import Crypto
import Foundation
import ImageStore
import JSON

/// `cfimages export-django`: writes every image, log row and usage as a `manage.py dumpdata` file that
/// django-cloudflareimages-toolkit 1.1.6 loads with `manage.py loaddata`, from one snapshot, in bounded memory.
///
/// Primary keys are kept (image UUIDs, log and usage ids); users are natural keys (`["alice"]`), content types too
/// (`["blog", "post"]`), and an `auth.user` object is written first for every user name (no password: Django's
/// unusable `!…`; `is_staff`, `is_superuser` and `is_active` as imported, else staff for admins). Tokens cannot be
/// exported: only their hashes are stored.
public final class DjangoExportService: Sendable {
    public struct Options: Sendable {
        /// Write the `auth.user` objects. Without them, loading needs every user to exist already (and leaves
        /// existing users untouched: with them, `loaddata` overwrites a user of the same name).
        public var includeUsers = true
        /// The owner an import gave images that had no user (`--owner-for-unowned`): its images are written with
        /// `user: null` again, and it gets no `auth.user` object unless it holds tokens.
        public var unownedOwner: String?

        public init(includeUsers: Bool = true, unownedOwner: String? = nil) {
            self.includeUsers = includeUsers
            self.unownedOwner = unownedOwner
        }
    }

    let store: any DjangoTransferStore
    let now: @Sendable () -> Date

    public init(store: any DjangoTransferStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.now = now
    }

    /// Writes the export to `path` (through `path.partial`, moved into place when complete).
    public func run(
        path: String, options: Options = Options(), progress: ProgressReporter? = nil
    ) async throws
        -> DjangoExportReport
    {
        let now = now()
        return try await store.withDjangoExport { reader in
            let output = try DjangoDumpWriter(path: path)
            var report = DjangoExportReport()
            func tick() {
                progress?.update(done: report.total, [.init("images", report.counts[DjangoModels.image] ?? 0)])
            }
            if options.includeUsers {
                for user in try reader.users() where user.name != options.unownedOwner || !user.tokens.isEmpty {
                    try Self.write(user, now: now, to: output)
                    report.counts[DjangoModels.user, default: 0] += 1
                }
            }
            try reader.forEachImage { image in
                try Self.write(image, owned: image.owner != options.unownedOwner, to: output)
                report.counts[DjangoModels.image, default: 0] += 1
                tick()
            }
            try reader.forEachLog { entry in
                try Self.write(entry, to: output)
                report.counts[DjangoModels.log, default: 0] += 1
                tick()
            }
            try reader.forEachUsage { usage in
                guard let dot = usage.contentType.firstIndex(of: "."), dot != usage.contentType.startIndex,
                    usage.contentType.index(after: dot) != usage.contentType.endIndex
                else {
                    report.skipped.append(
                        "\(DjangoModels.usage) \(usage.id): content type \"\(usage.contentType)\" is not app_label.model"
                    )
                    return
                }
                let contentType = [
                    String(usage.contentType[..<dot]),
                    String(usage.contentType[usage.contentType.index(after: dot)...]),
                ]
                try Self.write(usage, contentType: contentType, to: output)
                report.counts[DjangoModels.usage, default: 0] += 1
                tick()
            }
            try output.finish()
            progress?.finish(done: report.total, [.init("images", report.counts[DjangoModels.image] ?? 0)])
            return report
        }
    }

    // MARK: Objects

    static func write(_ user: DjangoTransferUser, now: Date, to output: DjangoDumpWriter) throws {
        let flags = flags(of: user)
        let joined = (user.tokens.map(\.createdAt) + [user.firstImageCreatedAt].compactMap { $0 }).min() ?? now
        try output.write(model: DjangoModels.user, pk: nil) { fields in
            fields.key("password")
            fields.string(unusablePassword(user.name))
            fields.key("last_login")
            fields.null()
            fields.key("is_superuser")
            fields.bool(flags.isSuperuser)
            fields.key("username")
            fields.string(user.name)
            fields.key("first_name")
            fields.string("")
            fields.key("last_name")
            fields.string("")
            fields.key("email")
            fields.string("")
            fields.key("is_staff")
            fields.bool(flags.isStaff)
            fields.key("is_active")
            fields.bool(flags.isActive)
            fields.key("date_joined")
            fields.string(DjangoDateTime.format(joined))
            fields.key("groups")
            fields.beginArray()
            fields.endArray()
            fields.key("user_permissions")
            fields.beginArray()
            fields.endArray()
        }
    }

    /// The Django flags a user's tokens record: those of an imported DRF token (its label), else staff when any
    /// token is an admin one (the least that shows the reference's staff views); active unless the import said not.
    static func flags(of user: DjangoTransferUser) -> DjangoModels.UserFlags {
        let imported = user.tokens.compactMap { DjangoModels.flags(fromLabel: $0.label) }
        if let flags = imported.first(where: \.isActive) ?? imported.first { return flags }
        return DjangoModels.UserFlags(
            isStaff: user.tokens.contains { $0.isAdmin && !$0.isRevoked }, isSuperuser: false, isActive: true)
    }

    /// Django's unusable password form (`!` and 40 characters); derived from the name so exports are repeatable.
    static func unusablePassword(_ name: String) -> String {
        "!" + String(Hex.encode(SHA256.hash("cfimages export-django unusable password " + name)).prefix(40))
    }

    /// `owned` false: `user: null`.
    static func write(_ image: ImageRecord, owned: Bool, to output: DjangoDumpWriter) throws {
        try output.write(model: DjangoModels.image, pk: .string(image.id.lowercasedText)) { fields in
            fields.key("cloudflare_id")
            fields.string(image.cloudflareID)
            fields.key("user")
            fields.value(owned ? .array([.string(image.owner)]) : .null)
            fields.key("filename")
            fields.string(image.filename)
            fields.key("original_filename")
            fields.string(image.originalFilename)
            fields.key("content_type")
            fields.string(image.contentType)
            fields.key("file_size")
            fields.int(image.fileSize)
            fields.key("upload_url")
            fields.string(image.uploadURL)
            fields.key("status")
            fields.string(image.status.rawValue)
            fields.key("require_signed_urls")
            fields.bool(image.requireSignedURLs)
            fields.key("metadata")
            fields.value(.object(image.metadata))
            fields.key("creator")
            fields.string(image.creator)
            fields.key("created_at")
            fields.string(DjangoDateTime.format(image.createdAt))
            fields.key("updated_at")
            fields.string(DjangoDateTime.format(image.updatedAt))
            fields.key("uploaded_at")
            fields.string(image.uploadedAt.map(DjangoDateTime.format))
            fields.key("expires_at")
            fields.string(DjangoDateTime.format(image.expiresAt))
            fields.key("width")
            fields.int(image.width)
            fields.key("height")
            fields.int(image.height)
            fields.key("format")
            fields.string(image.format)
            fields.key("variants")
            fields.value(.array(image.variants.map(JSONValue.string)))
            fields.key("cloudflare_metadata")
            fields.value(.object(image.cloudflareMetadata))
            fields.key("last_referenced_at")
            fields.string(image.lastReferencedAt.map(DjangoDateTime.format))
        }
    }

    static func write(_ entry: UploadLogEntry, to output: DjangoDumpWriter) throws {
        try output.write(model: DjangoModels.log, pk: .int(entry.id)) { fields in
            fields.key("image")
            fields.string(entry.imageID.lowercasedText)
            fields.key("event_type")
            fields.string(entry.eventType)
            fields.key("message")
            fields.string(entry.message)
            fields.key("data")
            fields.value(.object(entry.data))
            fields.key("timestamp")
            fields.string(DjangoDateTime.format(entry.timestamp))
        }
    }

    static func write(_ usage: ImageUsage, contentType: [String], to output: DjangoDumpWriter) throws {
        try output.write(model: DjangoModels.usage, pk: .int(usage.id)) { fields in
            fields.key("content_type")
            fields.value(.array(contentType.map(JSONValue.string)))
            fields.key("object_id")
            fields.string(usage.objectID)
            fields.key("field_name")
            fields.string(usage.fieldName)
            fields.key("source")
            fields.string(usage.source.rawValue)
            fields.key("cloudflare_id")
            fields.string(usage.cloudflareID)
            fields.key("image")
            fields.string(usage.imageID?.lowercasedText)
            fields.key("created_at")
            fields.string(DjangoDateTime.format(usage.createdAt))
            fields.key("updated_at")
            fields.string(DjangoDateTime.format(usage.updatedAt))
        }
    }
}
