import Base16
import Crypto
import Foundation
import ImageStore
import JSON

/// The dumpdata objects `import-django` and `export-django` know, and how their fields map onto ours.
///
/// Reading follows Django's deserializer: a field the object lacks takes the model's default (`""` for text,
/// `null`, `{}`/`[]` for JSON), except those without one (`expires_at`, `created_at`, `updated_at`, a log's
/// `timestamp`), which make the object fail. Values of the wrong type fail the object with the field named.
enum DjangoModels {
    static let user = "auth.user"
    static let token = "authtoken.token"
    static let contentType = "contenttypes.contenttype"
    static let image = "django_cloudflareimages_toolkit.cloudflareimage"
    static let log = "django_cloudflareimages_toolkit.imageuploadlog"
    static let usage = "django_cloudflareimages_toolkit.imageusage"

    /// The models every summary lists, in dumpdata's order.
    static let reported = [user, token, contentType, image, log, usage]

    /// A DRF key's display in reports: never the key, a short SHA-256 fingerprint of it.
    static func fingerprint(_ key: String) -> String {
        "key sha256:" + String(Hex.encode(SHA256.hash(key)).prefix(12))
    }

    // MARK: User flags in token labels

    /// The label of an imported DRF token: it records the Django user's flags, which we keep nowhere else, so
    /// `export-django` can give them back (`imported from Django`, then ` (is_staff, is_superuser, inactive)` when set).
    static func tokenLabel(_ flags: UserFlags) -> String {
        var parts: [String] = []
        if flags.isStaff { parts.append("is_staff") }
        if flags.isSuperuser { parts.append("is_superuser") }
        if !flags.isActive { parts.append("inactive") }
        return tokenLabelPrefix + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
    }

    static let tokenLabelPrefix = "imported from Django"

    /// The flags a label made by `tokenLabel` records; nil for any other label.
    static func flags(fromLabel label: String) -> UserFlags? {
        guard label.hasPrefix(tokenLabelPrefix) else { return nil }
        let rest = label.dropFirst(tokenLabelPrefix.count)
        if rest.isEmpty { return UserFlags(isStaff: false, isSuperuser: false, isActive: true) }
        guard rest.hasPrefix(" ("), rest.hasSuffix(")") else { return nil }
        let parts = Set(
            rest.dropFirst(2).dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard parts.isSubset(of: ["is_staff", "is_superuser", "inactive"]) else { return nil }
        return UserFlags(
            isStaff: parts.contains("is_staff"), isSuperuser: parts.contains("is_superuser"),
            isActive: !parts.contains("inactive"))
    }

    struct UserFlags: Sendable, Hashable {
        var isStaff: Bool
        var isSuperuser: Bool
        var isActive: Bool
        /// What our tokens distinguish: the reference's staff and superusers become admins.
        var isAdmin: Bool { isStaff || isSuperuser }
    }
}

/// Why one object cannot be imported.
struct DjangoObjectError: Error, Sendable {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// A reference to another object: by primary key (any JSON scalar, as text) or by natural key.
enum DjangoReference: Sendable, Hashable {
    case key(String)
    case natural([String])

    /// `null` → nil.
    static func parse(_ value: JSONValue, field: String) throws(DjangoObjectError) -> DjangoReference? {
        switch value {
        case .null: return nil
        case .int(let key): return .key(String(key))
        case .string(let key): return .key(key)
        case .array(let parts):
            let strings = parts.compactMap(\.stringValue)
            guard strings.count == parts.count, !strings.isEmpty else {
                throw DjangoObjectError("field \(field): a natural key must be an array of strings")
            }
            return .natural(strings)
        default: throw DjangoObjectError("field \(field): expected a primary key or a natural key")
        }
    }

    var description: String {
        switch self {
        case .key(let key): key
        case .natural(let parts): "[" + parts.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
    }
}

/// One dumpdata object: `{"model": "app.model", "pk": ..., "fields": {...}}` (`pk` absent with natural primary keys).
struct DjangoObject {
    /// Lower-cased, as Django writes it.
    var model: String
    var pk: JSONValue?
    var fields: [String: JSONValue]

    init(_ value: JSONValue) throws(DjangoObjectError) {
        guard case .object(let members) = value else { throw DjangoObjectError("not an object") }
        guard case .string(let model)? = members["model"], !model.isEmpty else {
            throw DjangoObjectError("no \"model\" string")
        }
        self.model = model.lowercased()
        pk = members["pk"].flatMap { $0 == .null ? nil : $0 }
        guard case .object(let fields)? = members["fields"] else { throw DjangoObjectError("no \"fields\" object") }
        self.fields = fields
    }

    /// The primary key as reports show it (a token's key is never shown).
    var pkText: String {
        switch pk {
        case .string(let text)?: text
        case .int(let number)?: String(number)
        case nil: "(natural key)"
        case let other?: other.jsonText
        }
    }

    // MARK: Fields

    func string(_ name: String, default fallback: String = "") throws(DjangoObjectError) -> String {
        switch fields[name] {
        case nil, .null?: return fallback
        case .string(let value)?: return value
        default: throw DjangoObjectError("field \(name): expected a string")
        }
    }

    func bool(_ name: String, default fallback: Bool) throws(DjangoObjectError) -> Bool {
        switch fields[name] {
        case nil: return fallback
        case .bool(let value)?: return value
        default: throw DjangoObjectError("field \(name): expected true or false")
        }
    }

    /// A `PositiveIntegerField` (or any non-negative integer) that may be null.
    func count(_ name: String) throws(DjangoObjectError) -> Int? {
        switch fields[name] {
        case nil, .null?: return nil
        case .int(let value)? where value >= 0: return Int(value)
        default: throw DjangoObjectError("field \(name): expected a non-negative integer or null")
        }
    }

    /// A datetime that must be there.
    func datetime(_ name: String) throws(DjangoObjectError) -> Date {
        guard let date = try optionalDatetime(name) else {
            throw DjangoObjectError("field \(name): missing (it has no default)")
        }
        return date
    }

    func optionalDatetime(_ name: String) throws(DjangoObjectError) -> Date? {
        switch fields[name] {
        case nil, .null?: return nil
        case .string(let text)?:
            guard let micros = DjangoDateTime.microseconds(text) else {
                throw DjangoObjectError("field \(name): \"\(text.prefix(40))\" is not an ISO 8601 datetime")
            }
            return DjangoDateTime.date(microseconds: micros)
        default: throw DjangoObjectError("field \(name): expected an ISO 8601 datetime string")
        }
    }

    /// A JSONField holding an object (ours must be one).
    func object(_ name: String) throws(DjangoObjectError) -> [String: JSONValue] {
        switch fields[name] {
        case nil, .null?: return [:]
        case .object(let members)?: return members
        case let other?:
            throw DjangoObjectError("field \(name): a JSON \(Self.kind(other)), but cfimages keeps only objects here")
        }
    }

    func reference(_ name: String) throws(DjangoObjectError) -> DjangoReference? {
        guard let value = fields[name] else { return nil }
        return try DjangoReference.parse(value, field: name)
    }

    static func kind(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .int, .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    // MARK: Models

    /// A user row: its primary key (nil with natural primary keys), name and flags.
    func user(
        usernameField: String
    ) throws(DjangoObjectError) -> (key: String?, name: String, flags: DjangoModels.UserFlags) {
        let name = try string(usernameField)
        guard Self.isUserName(name) else {
            throw DjangoObjectError("field \(usernameField): a user name must be 1 to 150 characters on one line")
        }
        let flags = DjangoModels.UserFlags(
            isStaff: try bool("is_staff", default: false), isSuperuser: try bool("is_superuser", default: false),
            isActive: try bool("is_active", default: true))
        return (pk.map { _ in pkText }, name, flags)
    }

    /// `app_label.model` and the primary key, if any.
    func contentType() throws(DjangoObjectError) -> (key: String?, label: String) {
        let app = try string("app_label")
        let model = try string("model")
        guard !app.isEmpty, !model.isEmpty else { throw DjangoObjectError("app_label and model must not be empty") }
        return (pk.map { _ in pkText }, app + "." + model)
    }

    /// A DRF token: its key (the primary key), user and creation time.
    func token() throws(DjangoObjectError) -> (key: String, user: DjangoReference, created: Date?) {
        guard case .string(let key)? = pk, !key.isEmpty, key.utf8.count <= 40,
            key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F })
        else { throw DjangoObjectError("the key (pk) must be 1 to 40 printable characters") }
        guard let user = try reference("user") else { throw DjangoObjectError("field user: missing") }
        return (key, user, try optionalDatetime("created"))
    }

    /// A CloudflareImage as our record (owner "" until resolved) and its `user` reference (nil: no user).
    func image() throws(DjangoObjectError) -> (record: ImageRecord, user: DjangoReference?) {
        guard case .string(let text)? = pk, let id = UUID(canonicalText: text) else {
            throw DjangoObjectError("the pk must be a UUID")
        }
        guard let status = ImageStatus(rawValue: try string("status", default: "pending")) else {
            throw DjangoObjectError("field status: not one of pending, draft, uploaded, failed, expired")
        }
        let record = ImageRecord(
            id: id, cloudflareID: try string("cloudflare_id"), owner: "", filename: try string("filename"),
            originalFilename: try string("original_filename"), contentType: try string("content_type"),
            fileSize: try count("file_size"), uploadURL: try string("upload_url"), status: status,
            requireSignedURLs: try bool("require_signed_urls", default: true), metadata: try object("metadata"),
            creator: try string("creator"), createdAt: try datetime("created_at"),
            updatedAt: try datetime("updated_at"),
            uploadedAt: try optionalDatetime("uploaded_at"), expiresAt: try datetime("expires_at"),
            width: try count("width"), height: try count("height"), format: try string("format"),
            variants: try variants(), cloudflareMetadata: try object("cloudflare_metadata"),
            lastReferencedAt: try optionalDatetime("last_referenced_at"))
        guard !record.cloudflareID.isEmpty else { throw DjangoObjectError("field cloudflare_id: empty") }
        return (record, try reference("user"))
    }

    /// `variants`: a list of URLs; a bare string is wrapped as the model's `save()` does.
    private func variants() throws(DjangoObjectError) -> [String] {
        switch fields["variants"] {
        case nil, .null?: return []
        case .string(let url)?: return url.isEmpty ? [] : [url]
        case .array(let items)?:
            let urls = items.compactMap(\.stringValue)
            guard urls.count == items.count else {
                throw DjangoObjectError("field variants: expected a list of URL strings")
            }
            return urls
        case let other?:
            throw DjangoObjectError("field variants: a JSON \(Self.kind(other)), but cfimages keeps a list of URLs")
        }
    }

    /// An ImageUploadLog.
    func log() throws(DjangoObjectError) -> UploadLogEntry {
        guard case .int(let id)? = pk else { throw DjangoObjectError("the pk must be an integer") }
        guard case .string(let text)? = fields["image"], let imageID = UUID(canonicalText: text) else {
            throw DjangoObjectError("field image: expected the UUID of an image")
        }
        return UploadLogEntry(
            id: id, imageID: imageID, eventType: try string("event_type"), message: try string("message"),
            data: try object("data"), timestamp: try datetime("timestamp"))
    }

    /// An ImageUsage (content type "" until resolved) and its content type reference.
    func usage() throws(DjangoObjectError) -> (usage: ImageUsage, contentType: DjangoReference) {
        guard case .int(let id)? = pk else { throw DjangoObjectError("the pk must be an integer") }
        guard let contentType = try reference("content_type") else {
            throw DjangoObjectError("field content_type: missing")
        }
        var imageID: UUID?
        switch fields["image"] {
        case nil, .null?: imageID = nil
        case .string(let text)?:
            guard let id = UUID(canonicalText: text) else { throw DjangoObjectError("field image: not a UUID") }
            imageID = id
        default: throw DjangoObjectError("field image: expected the UUID of an image or null")
        }
        guard let source = ImageUsage.Source(rawValue: try string("source", default: "auto")) else {
            throw DjangoObjectError("field source: not auto or manual")
        }
        let objectID: String
        switch fields["object_id"] {
        case .string(let text)?: objectID = text
        case .int(let number)?: objectID = String(number)
        default: throw DjangoObjectError("field object_id: expected a string")
        }
        let usage = ImageUsage(
            id: id, cloudflareID: try string("cloudflare_id"), imageID: imageID, contentType: "", objectID: objectID,
            fieldName: try string("field_name"), source: source, createdAt: try datetime("created_at"),
            updatedAt: try datetime("updated_at"))
        return (usage, contentType)
    }

    /// What `cfimages token create` accepts as a user name, which Django's 150-character usernames satisfy.
    static func isUserName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 150 && !name.contains(where: { $0.isNewline || $0 == "\0" })
    }
}
