import Foundation
import Synchronization
import Timekeeping

/// Progress of a long command (`cfimages sync`, `cfimages import`), written as text.
///
/// On a terminal it redraws one line in place (carriage return + erase line), at most every `redrawInterval`;
/// otherwise (a log file, a pipe) it writes a plain line every `everyItems` items or `everySeconds` seconds,
/// whichever comes first. `finish` always writes the final state. Lines look like
/// `sync: 1200 images | inserted 10 | refreshed 3 | 240.0/s` (or `import: 37/120 lines | ...` with a total).
public final class ProgressReporter: Sendable {
    public enum Style: Sendable, Equatable {
        /// One line redrawn in place (for a terminal).
        case terminal
        /// A new line every `everyItems` items or `everySeconds` seconds.
        case plain(everyItems: Int, everySeconds: Double)
    }

    /// One counter shown after the item count.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: Int
        public init(_ name: String, _ value: Int) {
            self.name = name
            self.value = value
        }
    }

    let label: String
    let unit: String
    let style: Style
    let write: @Sendable (String) -> Void
    let redrawInterval: Double
    private let state: Mutex<State>

    struct State {
        var started: ContinuousClock.Instant
        var lastWritten: ContinuousClock.Instant?
        var lastWrittenDone = 0
        var finished = false
        var total: Int?
    }

    /// - Parameters:
    ///   - label: the command, first on every line.
    ///   - unit: what is counted ("images", "lines").
    ///   - total: how many items there will be, when known (shown as `done/total`).
    ///   - write: where the text goes; standard error by default.
    public init(
        label: String, unit: String, style: Style, total: Int? = nil, redrawInterval: Double = 0.1,
        write: @escaping @Sendable (String) -> Void = ProgressReporter.standardError
    ) {
        self.label = label
        self.unit = unit
        self.style = style
        self.write = write
        self.redrawInterval = redrawInterval
        state = Mutex(State(started: .now, total: total))
    }

    /// Writes `text` to standard error, unbuffered.
    @Sendable public static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The style for standard error: `.terminal` when it is a TTY, else plain lines every 1000 items or 10 seconds.
    public static func styleForStandardError() -> Style {
        isatty(STDERR_FILENO) == 1 ? .terminal : .plain(everyItems: 1000, everySeconds: 10)
    }

    /// Sets the number of items, once known.
    public func setTotal(_ total: Int?) {
        state.withLock { $0.total = total }
    }

    /// Reports that `done` items are processed; writes only when the style says it is time.
    public func update(done: Int, _ fields: [Field]) {
        let now = ContinuousClock.now
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            let due: Bool
            switch style {
            case .terminal:
                due = state.lastWritten.map { Self.seconds(now - $0) >= redrawInterval } ?? true
            case .plain(let everyItems, let everySeconds):
                due =
                    done - state.lastWrittenDone >= max(1, everyItems)
                    || state.lastWritten.map { Self.seconds(now - $0) >= everySeconds }
                        ?? (Self.seconds(now - state.started) >= everySeconds)
            }
            guard due else { return nil }
            state.lastWritten = now
            state.lastWrittenDone = done
            return render(done: done, total: state.total, fields, elapsed: Self.seconds(now - state.started))
        }
        if let text { write(style == .terminal ? "\r\u{1B}[K" + text : text + "\n") }
    }

    /// Writes the final state (ending the redrawn line on a terminal). Later calls do nothing.
    public func finish(done: Int, _ fields: [Field]) {
        let now = ContinuousClock.now
        let text: String? = state.withLock { state in
            guard !state.finished else { return nil }
            state.finished = true
            return render(done: done, total: state.total, fields, elapsed: Self.seconds(now - state.started))
        }
        if let text { write(style == .terminal ? "\r\u{1B}[K" + text + "\n" : text + "\n") }
    }

    /// `label: done[/total] unit | name value | ... | rate/s`.
    func render(done: Int, total: Int?, _ fields: [Field], elapsed: Double) -> String {
        var parts = ["\(label): \(total.map { "\(done)/\($0)" } ?? "\(done)") \(unit)"]
        parts += fields.map { "\($0.name) \($0.value)" }
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        parts.append(String(format: "%.1f/s", rate))
        return parts.joined(separator: " | ")
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.secondsValue
    }
}
