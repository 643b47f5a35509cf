import Configuration
import Foundation
import HTTPFields
import HTTPServer
import ImageStore

/// `GET api/images/{id}/` with `Accept: text/event-stream`: the wait for an upload as Server-Sent Events, for pages
/// (`EventSource`) that would rather be told than hold a request per check.
extension APIContext {
    /// Sent while nothing happens, so proxies and the client see the stream is alive.
    static let eventStreamHeartbeat: Duration = .seconds(15)

    /// Whether the client asked for `text/event-stream` (any `Accept` listing it).
    static func acceptsEventStream(_ request: Request) -> Bool {
        guard let accept = request.headers["Accept"] else { return false }
        return accept.split(separator: ",").contains { range in
            range.split(separator: ";", maxSplits: 1)[0].trimmingCharacters(in: .whitespaces).lowercased()
                == "text/event-stream"
        }
    }

    /// An `image` event with the image as it is, then (unless it is already there) waits for `until` at most
    /// `wait` seconds (the longest wait allowed when absent; `wait=0` waits not at all, as without the stream), with a comment line every 15 s: an `image` event
    /// when it gets there, `deleted` when it is deleted meanwhile; last a `done` event, `{"reached": true|false}`
    /// (none after `deleted`). Then the connection closes.
    func imageEventStream(_ image: ImageRecord, wait: WaitRequest?, waitGiven: Bool, caller: Caller) -> Response {
        let goal = wait?.goal ?? .final
        let seconds = min(wait?.seconds ?? (waitGiven ? 0 : settings.waitMaxSeconds), settings.waitMaxSeconds)
        var headers = HTTPHeaders()
        headers["Cache-Control"] = ConditionalGet.perUser
        headers["X-Accel-Buffering"] = "no"
        return .eventStream(headers: headers) { [self] writer in
            guard writer.write(imageEvent(image)) else { return }
            guard !goal.isReached(by: image.status) else {
                writer.write(Self.doneEvent(reached: true))
                return
            }
            let deadline = ContinuousClock.now + .seconds(seconds)
            while writer.isOpen, !Task.isCancelled {
                let left = deadline - ContinuousClock.now
                guard left > .zero else {
                    writer.write(Self.doneEvent(reached: false))
                    return
                }
                switch await waiters.wait(
                    for: image.id, owner: caller.scope, goal: goal, timeout: min(left, Self.eventStreamHeartbeat))
                {
                case .reached(let record):
                    writer.write(imageEvent(record) + Self.doneEvent(reached: true))
                    return
                case .gone:
                    var data = Array(#"{"id":"#.utf8)
                    image.id.appendLowercasedText(to: &data, quoted: true)
                    data.append(UInt8(ascii: "}"))
                    writer.write(Self.event("deleted", data))
                    return
                case .timedOut:
                    if ContinuousClock.now < deadline { writer.write(Self.heartbeat) }
                case .withdrawn:
                    return
                }
            }
        }
    }

    private func imageEvent(_ image: ImageRecord) -> [UInt8] {
        Self.event("image", serializer.bytes(image, now: clock()))
    }

    /// `event: <name>` and one `data:` line: JSON from our serializer has no raw line breaks.
    static func event(_ name: String, _ data: [UInt8]) -> [UInt8] {
        Array("event: \(name)\ndata: ".utf8) + data + Array("\n\n".utf8)
    }

    static func doneEvent(reached: Bool) -> [UInt8] {
        event("done", Array((reached ? #"{"reached":true}"# : #"{"reached":false}"#).utf8))
    }

    static let heartbeat = Array(": keep-alive\n\n".utf8)
}
