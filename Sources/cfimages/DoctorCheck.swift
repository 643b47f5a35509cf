/// One line of `cfimages doctor`'s checklist: a verdict, what was found, and for a failure or warning how to fix it.
/// Messages never hold a secret (tokens, keys and webhook secrets are named by their setting, never shown).
struct DoctorCheck: Sendable, Equatable {
    enum Verdict: String, Sendable {
        case ok, warn, fail, skip

        /// The checklist's tag, padded to one width.
        var tag: String {
            switch self {
            case .ok: "[ok]  "
            case .warn: "[warn]"
            case .fail: "[FAIL]"
            case .skip: "[skip]"
            }
        }
    }

    /// A short stable name (`read`, `edit`, `account-hash`, ...), for tests and the summary.
    let name: String
    let verdict: Verdict
    let message: String
    let fix: String?

    static func ok(_ name: String, _ message: String) -> DoctorCheck {
        DoctorCheck(name: name, verdict: .ok, message: message, fix: nil)
    }

    static func warn(_ name: String, _ message: String, fix: String? = nil) -> DoctorCheck {
        DoctorCheck(name: name, verdict: .warn, message: message, fix: fix)
    }

    static func fail(_ name: String, _ message: String, fix: String) -> DoctorCheck {
        DoctorCheck(name: name, verdict: .fail, message: message, fix: fix)
    }

    static func skip(_ name: String, _ message: String) -> DoctorCheck {
        DoctorCheck(name: name, verdict: .skip, message: message, fix: nil)
    }

    /// `[FAIL] message` and, when there is one, an indented `fix: ...` line.
    var lines: [String] {
        var lines = ["\(verdict.tag) \(message)"]
        if let fix { lines.append("       fix: \(fix)") }
        return lines
    }
}
