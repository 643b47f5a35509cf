import FoundationEssentials
import ImagesAPI
import Testing

/// The progress line: redrawn in place on a terminal, plain lines otherwise.
struct ProgressReporterTests {
    @Test func terminalStyleRedrawsOneLineAndEndsIt() {
        let capture = ProgressCapture()
        let progress = ProgressReporter(
            label: "sync", unit: "images", style: .terminal, redrawInterval: 0, write: capture.write)
        progress.update(done: 10, [.init("inserted", 3)])
        progress.update(done: 20, [.init("inserted", 4)])
        progress.finish(done: 25, [.init("inserted", 5)])
        progress.finish(done: 99, [])
        let chunks = capture.output.components(separatedBy: "\r\u{1B}[K").filter { !$0.isEmpty }
        #expect(chunks.count == 3)
        #expect(chunks[0].hasPrefix("sync: 10 images | inserted 3 | ") && !chunks[0].contains("\n"))
        #expect(chunks[2].hasPrefix("sync: 25 images | inserted 5 | ") && chunks[2].hasSuffix("/s\n"))
    }

    @Test func plainStyleWritesEveryNItemsAndAlwaysTheLastState() {
        let capture = ProgressCapture()
        let progress = ProgressReporter(
            label: "import", unit: "lines", style: .plain(everyItems: 10, everySeconds: 3600), total: 30,
            write: capture.write)
        for done in 1...25 { progress.update(done: done, [.init("failed", 0)]) }
        progress.finish(done: 30, [.init("failed", 1)])
        #expect(
            capture.lines.map { $0.components(separatedBy: " | ").prefix(2).joined(separator: " | ") } == [
                "import: 10/30 lines | failed 0", "import: 20/30 lines | failed 0", "import: 30/30 lines | failed 1",
            ])
    }

    @Test func plainStyleWithoutTotalShowsTheCount() {
        let capture = ProgressCapture()
        let progress = ProgressReporter(
            label: "sync", unit: "images", style: .plain(everyItems: 1, everySeconds: 3600), write: capture.write)
        progress.setTotal(nil)
        progress.finish(done: 0, [])
        #expect(capture.lines.count == 1 && capture.lines[0].hasPrefix("sync: 0 images | "))
    }
}
