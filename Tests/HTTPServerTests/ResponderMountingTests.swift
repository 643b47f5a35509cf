import HTTPFields
import HTTPServer
import Logging
import Synchronization
import Testing

/// `Responder.mounting`: one part answers each path, on every path a response can take (immediate, handler, error).
@Suite struct ResponderMountingTests {
    struct Failure: Error {}
    struct Busy: Error {}

    final class Reports: Sendable {
        let emulator = Atomic(0)
        let api = Atomic(0)
    }

    static func composite(_ reports: Reports) -> Responder {
        let emulator = Responder(
            immediate: { request in request.path == "/_emulator/now" ? .text(.ok, "emulator now") : nil },
            unhandledError: { _ in
                reports.emulator.add(1, ordering: .relaxed)
                return nil
            },
            finisher: { _, response in response.headers["X-Part"] = "emulator" }
        ) { request in
            if request.path == "/_emulator/fail" { throw Failure() }
            if request.path == "/_emulator/missing" { throw HTTPError(.notFound, "No such image.") }
            return .text(.ok, "emulator later")
        }
        let api = Responder(
            immediate: { request in request.path == "/api/now" ? .text(.ok, "api now") : nil },
            unhandledError: { error in
                reports.api.add(1, ordering: .relaxed)
                return error is Busy ? HTTPError(.serviceUnavailable, "Busy.").response : nil
            },
            finisher: { _, response in response.headers["X-Part"] = "api" }
        ) { request in
            if request.path == "/api/fail" { throw Failure() }
            if request.path == "/api/busy" { throw Busy() }
            return .text(.ok, "api later")
        }
        return .mounting([.under("/_emulator", emulator)], otherwise: api)
    }

    static func answer(_ responder: Responder, _ path: String) async -> Response {
        await responder.respond(
            to: Request(method: .get, target: path), logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
    }

    @Test(arguments: [
        ("/_emulator/now", "emulator now", "emulator"), ("/_emulator/x", "emulator later", "emulator"),
        ("/api/now", "api now", "api"), ("/api/x", "api later", "api"),
        // `under` claims the folder, not a longer name that begins the same.
        ("/_emulatorx/now", "api later", "api"), ("/_emulator", "api later", "api"),
    ])
    func eachPathIsAnsweredAndFinishedByOnePart(path: String, body: String, part: String) async {
        let response = await Self.answer(Self.composite(Reports()), path)
        #expect(response.status == .ok)
        #expect(String(decoding: response.body, as: UTF8.self) == body)
        #expect(response.headers["X-Part"] == part)
    }

    @Test func anUnhandledErrorIsReportedToThePartThatThrewItOnly() async {
        let reports = Reports()
        let responder = Self.composite(reports)
        let failed = await Self.answer(responder, "/_emulator/fail")
        #expect(failed.status == .internalServerError)
        #expect(failed.headers["X-Part"] == "emulator")
        #expect(reports.emulator.load(ordering: .relaxed) == 1)
        #expect(reports.api.load(ordering: .relaxed) == 0)

        _ = await Self.answer(responder, "/api/fail")
        #expect(reports.emulator.load(ordering: .relaxed) == 1)
        #expect(reports.api.load(ordering: .relaxed) == 1)
    }

    @Test func anErrorThatIsAnAnswerIsNotReported() async {
        let reports = Reports()
        let response = await Self.answer(Self.composite(reports), "/_emulator/missing")
        #expect(response.status == .notFound)
        #expect(reports.emulator.load(ordering: .relaxed) == 0)
    }

    @Test func thePartsReporterMayAnswerTheError() async {
        let reports = Reports()
        let responder = Self.composite(reports)
        let busy = await Self.answer(responder, "/api/busy")
        #expect(busy.status == .serviceUnavailable)
        #expect(busy.headers["X-Part"] == "api")
        #expect(reports.api.load(ordering: .relaxed) == 1)
        // Not mounted: the reporter's answer on a plain responder's boundary too.
        let api = Responder(unhandledError: { _ in HTTPError(.serviceUnavailable, "Busy.").response }) { _ in
            throw Busy()
        }
        #expect(await Self.answer(api, "/x").status == .serviceUnavailable)
        // The emulator's reporter answers nothing: its failure stays the 500.
        #expect(await Self.answer(responder, "/_emulator/fail").status == .internalServerError)
    }
}
