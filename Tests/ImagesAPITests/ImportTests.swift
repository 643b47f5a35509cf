import CloudflareImages
import Foundation
import ImageStore
import ImagesAPI
import JSON
import Synchronization
import Testing

/// `cfimages import` against the emulator, which fetches the URLs from a second loopback server.
@Suite struct ImportTests {
    @Test func importsGoodLinesReportsBadOnesAndSkipsDoneLinesOnARerun() async throws {
        let h = try await OperationsHarness.start()
        do {
            let src = h.sourceOrigin
            h.missingSources.withLock { $0 = ["/img/later.gif"] }
            let file = """
                # images to import
                \(src)/img/plain.gif

                \(src)/img/named.gif\tcustom-one
                \(src)/img/meta.gif\t\t{"album": "trip", "n": 1}
                ftp://example.com/x.gif
                \(src)/img/badjson.gif\tid-2\t{not json
                \(src)/img/later.gif\tlater-id
                  \(src)/img/plain.gif
                """
            let service = try h.importService()
            let options = ImportService.Options(owner: "dave", concurrency: 3, creator: "importer")
            let report = try await service.run(contents: file, source: "/data/list.txt", options: options)
            #expect(report.lines == 7 && report.imported == 3 && report.duplicates == 1 && report.alreadyImported == 0)
            #expect(report.failures.map(\.line) == [6, 7, 8])
            #expect(report.failures[0].reason.contains("http(s) URL"))
            #expect(report.failures[1].reason.contains("metadata is not valid JSON"))
            #expect(report.failures[2].reason.contains("upload failed") && report.failures[2].reason.contains("404"))

            let named = try #require(try await h.repository.image(.cloudflareID("custom-one"), owner: "dave"))
            #expect(named.status == .uploaded && named.creator == "importer" && named.filename == "named.gif")
            #expect(named.originalFilename == "named.gif" && !named.variants.isEmpty && named.uploadURL == "")
            let log = try #require(try await h.repository.logs(imageID: named.id, limit: nil).first)
            #expect(log.eventType == "image_imported" && log.data["line"] == .int(4))
            #expect(log.data["source"] == .string("/data/list.txt"))
            let withMeta = try await h.repository.list(
                ImageQuery(metadata: [MetadataFilter(key: "album", value: "trip")]))
            #expect(withMeta.count == 1 && withMeta.items.first?.cloudflareMetadata["n"] == .int(1))
            #expect(try await h.repository.counts(owner: "dave").total == 3)

            // Re-run after the missing source appears: done lines are skipped, the failed upload is retried.
            h.missingSources.withLock { $0 = [] }
            let rerun = try await service.run(contents: file, source: "/data/list.txt", options: options)
            #expect(rerun.alreadyImported == 3 && rerun.imported == 1 && rerun.failures.map(\.line) == [6, 7])
            #expect(try await h.repository.image(.cloudflareID("later-id"), owner: nil)?.status == .uploaded)
            #expect(try await h.repository.counts(owner: nil).total == 4)

            let dry = try await service.run(
                contents: file + "\n\(src)/img/new.gif\n", source: "x",
                options: ImportService.Options(owner: "dave", dryRun: true))
            #expect(dry.dryRun && dry.imported == 1 && dry.alreadyImported == 4)
            #expect(try await h.repository.counts(owner: nil).total == 4)
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }

    @Test func uploadsNeverExceedTheConcurrencyBound() async throws {
        let h = try await OperationsHarness.start()
        do {
            h.sourceDelay.withLock { $0 = .milliseconds(40) }
            let file = (0..<8).map { "\(h.sourceOrigin)/img/c\($0).gif" }.joined(separator: "\n")
            let report = try await h.importService().run(
                contents: file, source: "c", options: ImportService.Options(owner: "erin", concurrency: 2))
            #expect(report.imported == 8 && report.failed == 0)
            let peak = h.sourceInFlight.withLock { $0.max }
            #expect(peak >= 1 && peak <= 2)
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }

    @Test func plainProgressLinesCountLines() async throws {
        let h = try await OperationsHarness.start()
        do {
            let file = (0..<5).map { "\(h.sourceOrigin)/img/p\($0).gif" }.joined(separator: "\n") + "\n# done\n"
            let capture = ProgressCapture()
            let progress = ProgressReporter(
                label: "import", unit: "lines", style: .plain(everyItems: 2, everySeconds: 3600), write: capture.write)
            let report = try await h.importService().run(
                contents: file, source: "p", options: ImportService.Options(owner: "finn", concurrency: 1),
                progress: progress)
            #expect(report.imported == 5)
            let lines = capture.lines
            #expect(lines.count == 3)
            #expect(lines.first?.hasPrefix("import: 2/5 lines | imported 2 | skipped 0 | failed 0 | ") == true)
            #expect(lines.last?.hasPrefix("import: 5/5 lines | imported 5 | skipped 0 | failed 0 | ") == true)
            #expect(lines.allSatisfy { $0.hasSuffix("/s") && !$0.contains("\r") })
        } catch {
            await h.shutdown()
            throw error
        }
        await h.shutdown()
    }
}
