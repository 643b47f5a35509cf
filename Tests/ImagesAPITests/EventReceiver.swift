import Foundation
import HTTPFields
import HTTPServer
import Logging
import TestSupport

/// A host app on loopback receiving event deliveries: records every request and answers with `answer` (given
/// the number of requests before this one), 204 by default, after holding it for `hold` (none by default).
final class EventReceiver: Sendable {
    struct Delivery: Sendable {
        let headers: HTTPHeaders
        let body: [UInt8]
        let status: Int
        var signature: String { headers["Cfimages-Signature"] ?? "" }
    }

    let server: HTTPServer
    private let received = LockedBox<[Delivery]>([])
    private let answer: LockedBox<@Sendable (Int) -> (Int, HTTPHeaders)>

    init(
        answer: @escaping @Sendable (Int) -> (Int, HTTPHeaders) = { _ in (204, [:]) },
        hold: @escaping @Sendable (Int) -> Duration = { _ in .zero }
    ) throws {
        let received = self.received
        let answerBox = LockedBox<@Sendable (Int) -> (Int, HTTPHeaders)>(answer)
        self.answer = answerBox
        server = HTTPServer(
            configuration: .init(host: "127.0.0.1", port: 0, eventLoopCount: 1), logger: quietLogger("receiver"),
            responder: Responder { request in
                let answer = answerBox.current
                let before = received.current.count
                let (status, headers) = answer(before)
                received.update { $0.append(Delivery(headers: request.headers, body: request.body, status: status)) }
                try await Task.sleep(for: hold(before))
                return Response(
                    status: HTTPStatus(code: status), headers: headers, body: Array("answer \(status)".utf8))
            })
        try server.start()
    }

    var url: String { "http://127.0.0.1:\(server.localPort)/hooks/cfimages" }

    /// Every request so far, in arrival order.
    var deliveries: [Delivery] { received.current }

    /// The ones answered 2xx.
    var accepted: [Delivery] { received.current.filter { (200..<300).contains($0.status) } }

    func setAnswer(_ answer: @escaping @Sendable (Int) -> (Int, HTTPHeaders)) { self.answer.update { $0 = answer } }

    func shutdown() async { await server.shutdown() }
}
