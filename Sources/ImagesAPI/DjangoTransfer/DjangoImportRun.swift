import Foundation
import ImageStore
import JSON

/// One run of `DjangoImportService`, on the store's writer thread: reads the dump (up to three times), maps each
/// object and hands it to the writer, committing every `batchSize` objects.
///
/// Users and content types are few: their primary keys are kept in memory, to resolve the references of images,
/// tokens and usages. An object whose reference is not known yet is deferred to the next reading of the file, which
/// visits only deferred objects; on the third reading it fails instead. Three readings settle any order of models,
/// since references are at most two deep (user, image, log).
final class DjangoImportRun {
    /// Thrown to stop at `Options.stopAfter` (rolling back the open batch), carrying the report so far.
    struct Interrupted: Error {
        let report: DjangoImportReport
    }

    private typealias UserFlags = DjangoModels.UserFlags

    private let path: String
    private let options: DjangoImportService.Options
    private let writer: any DjangoImportWriter
    private let progress: ProgressReporter?
    private let userModel: String
    private var report: DjangoImportReport
    /// User primary key → name and flags; name → flags (for natural keys).
    private var users: [String: (name: String, flags: UserFlags)] = [:]
    private var flagsByName: [String: UserFlags] = [:]
    /// Content type primary key → `app_label.model`.
    private var contentTypes: [String: String] = [:]
    /// Images that failed, so their logs and usages fail at once with a reason that points at them.
    private var failedImages: Set<UUID> = []
    private var processed = 0
    private var sinceCommit = 0
    private var fileSize = 0
    private var bytesRead = 0

    init(
        path: String, options: DjangoImportService.Options, writer: any DjangoImportWriter, progress: ProgressReporter?
    ) {
        self.path = path
        self.options = options
        self.writer = writer
        self.progress = progress
        userModel = options.userModel.lowercased()
        report = DjangoImportReport(dryRun: options.dryRun)
    }

    func run() throws -> DjangoImportReport {
        var only: Set<Int>?
        for pass in 1...3 {
            report.passes = pass
            let deferred = try read(pass: pass, only: only)
            try writer.commit()
            sinceCommit = 0
            if deferred.isEmpty { break }
            only = deferred
        }
        progress?.finish(done: processed, progressFields)
        return report
    }

    /// One reading of the file (of the elements in `only`, when given). Returns the elements deferred.
    private func read(pass: Int, only: Set<Int>?) throws -> Set<Int> {
        let reader = try DjangoDumpReader(path: path, maxElementBytes: options.maxObjectBytes)
        fileSize = reader.fileSize ?? 0
        report.bytes = fileSize
        let last = only?.max()
        var deferred = Set<Int>()
        while true {
            let element: DjangoDumpReader.Element
            do {
                guard let next = try reader.next() else { break }
                element = next
            } catch {
                if report.unreadable == nil { report.unreadable = error.reason }
                break
            }
            bytesRead = reader.bytesRead
            if let only {
                if let last, element.index > last { break }
                guard only.contains(element.index) else { continue }
            }
            if let stop = options.stopAfter, processed >= stop {
                report.interrupted = true
                throw Interrupted(report: report)
            }
            processed += 1
            if !process(element, firstPass: pass == 1, final: pass == 3) { deferred.insert(element.index) }
            sinceCommit += 1
            if sinceCommit >= max(1, options.batchSize) {
                try writer.commit()
                sinceCommit = 0
            }
            // The fields cost a little to gather: every 256 objects is often enough for a progress line.
            if processed & 255 == 0 { progress?.update(done: processed, progressFields) }
        }
        return deferred
    }

    private var progressFields: [ProgressReporter.Field] {
        report.progressFields + [.init("read %", fileSize > 0 ? Int(Int64(bytesRead) * 100 / Int64(fileSize)) : 0)]
    }

    // MARK: Objects

    /// Imports one element; false when it must wait for a later reading.
    private func process(_ element: DjangoDumpReader.Element, firstPass: Bool, final: Bool) -> Bool {
        var place: String { "#\(element.index) (byte \(element.offset))" }
        guard !element.isTooLarge else {
            report.fail("element", place, "larger than \(options.maxObjectBytes >> 20) MiB", counted: false)
            return true
        }
        let object: DjangoObject
        do {
            object = try DjangoObject(try JSONValue.parse(element.bytes))
        } catch let error as JSONParseError {
            report.fail("element", place, "not valid JSON: \(error.reason)", counted: false)
            return true
        } catch let error as DjangoObjectError {
            report.fail("element", place, error.reason, counted: false)
            return true
        } catch {
            report.fail("element", place, "\(error)", counted: false)
            return true
        }
        let model = object.model
        let known = model == userModel || DjangoModels.reported.contains(model)
        if firstPass {
            if known {
                report.counts[model, default: .init()].read += 1
            } else {
                report.ignored[model, default: 0] += 1
            }
        }
        do {
            switch model {
            case userModel: try user(object)
            case DjangoModels.contentType: try contentType(object)
            case DjangoModels.token: return try token(object, final: final)
            case DjangoModels.image: return try image(object, final: final)
            case DjangoModels.log: return try log(object, final: final)
            case DjangoModels.usage: return try usage(object, final: final)
            default: break
            }
        } catch let error as DjangoObjectError {
            fail(object, error.reason)
        } catch {
            // A storage error on this object only (its statement was rolled back); the run goes on.
            fail(object, "not stored: \(error)")
        }
        return true
    }

    private func fail(_ object: DjangoObject, _ reason: String) {
        if object.model == DjangoModels.image, case .string(let text)? = object.pk, let id = UUID(canonicalText: text) {
            failedImages.insert(id)
        }
        report.fail(object.model, object.model == DjangoModels.token ? tokenDisplay(object) : object.pkText, reason)
    }

    private func tokenDisplay(_ object: DjangoObject) -> String {
        guard case .string(let key)? = object.pk else { return "(no key)" }
        return DjangoModels.fingerprint(key)
    }

    private func user(_ object: DjangoObject) throws {
        let user = try object.user(usernameField: options.usernameField)
        if let key = user.key { users[key] = (user.name, user.flags) }
        flagsByName[user.name] = user.flags
    }

    private func contentType(_ object: DjangoObject) throws {
        let contentType = try object.contentType()
        if let key = contentType.key { contentTypes[key] = contentType.label }
    }

    /// The user a reference names, or why not; nil to wait for a later reading.
    private func resolveUser(_ reference: DjangoReference, final: Bool) throws -> (name: String, flags: UserFlags?)? {
        switch reference {
        case .key(let key):
            if let user = users[key] { return (user.name, user.flags) }
            guard final else { return nil }
            throw DjangoObjectError(
                "user \(key) is not in the dump (add \(userModel) to the dumpdata command, or use --natural-foreign)")
        case .natural(let parts):
            guard parts.count == 1, DjangoObject.isUserName(parts[0]) else {
                throw DjangoObjectError("user \(reference.description) is not a natural key of one user name")
            }
            return (parts[0], flagsByName[parts[0]])
        }
    }

    private func token(_ object: DjangoObject, final: Bool) throws -> Bool {
        let token = try object.token()
        guard let user = try resolveUser(token.user, final: final) else { return false }
        guard let flags = user.flags else {
            guard final else { return false }
            throw DjangoObjectError(
                "user \(user.name) is not in the dump: its is_staff, is_superuser and is_active decide the token")
        }
        let outcome = try writer.importToken(
            DjangoImportedToken(
                key: token.key, userName: user.name, isAdmin: flags.isAdmin, label: DjangoModels.tokenLabel(flags),
                createdAt: token.created ?? Date(), revoked: !flags.isActive))
        return settle(outcome, object, final: final)
    }

    private func image(_ object: DjangoObject, final: Bool) throws -> Bool {
        let parsed = try object.image()
        var record = parsed.record
        if let reference = parsed.user {
            guard let user = try resolveUser(reference, final: final) else { return false }
            record.owner = user.name
        } else if let owner = options.ownerForUnowned {
            record.owner = owner
        } else {
            throw DjangoObjectError("no user (user is null): pass --owner-for-unowned NAME to import it")
        }
        return settle(try writer.importImage(record), object, final: final)
    }

    private func log(_ object: DjangoObject, final: Bool) throws -> Bool {
        let entry = try object.log()
        if failedImages.contains(entry.imageID) {
            throw DjangoObjectError("its image \(entry.imageID.lowercasedText) was not imported")
        }
        return settle(try writer.importLog(entry), object, final: final)
    }

    private func usage(_ object: DjangoObject, final: Bool) throws -> Bool {
        let parsed = try object.usage()
        var usage = parsed.usage
        let reference = parsed.contentType
        switch reference {
        case .key(let key):
            guard let label = contentTypes[key] else {
                guard final else { return false }
                throw DjangoObjectError(
                    "content type \(key) is not in the dump (add contenttypes to the dumpdata command, or use --natural-foreign)"
                )
            }
            usage.contentType = label
        case .natural(let parts):
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw DjangoObjectError("content type \(reference.description) is not a natural key [app_label, model]")
            }
            usage.contentType = parts[0] + "." + parts[1]
        }
        if let imageID = usage.imageID, failedImages.contains(imageID) {
            throw DjangoObjectError("its image \(imageID.lowercasedText) was not imported")
        }
        return settle(try writer.importUsage(usage), object, final: final)
    }

    /// Counts a stored outcome; false (wait) for a missing image until the final reading.
    private func settle(_ outcome: DjangoImportOutcome, _ object: DjangoObject, final: Bool) -> Bool {
        switch outcome {
        case .missingImage(let id):
            guard final else { return false }
            fail(object, "image \(id.lowercasedText) is neither in the dump nor stored here")
        case .conflict(let reason):
            fail(object, reason)
        default:
            report.record(object.model, outcome)
        }
        return true
    }
}
