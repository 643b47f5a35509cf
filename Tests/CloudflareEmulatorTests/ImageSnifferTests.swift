import Testing

@testable import CloudflareEmulator

@Suite struct ImageSnifferTests {
    @Test func png() {
        #expect(
            ImageSniffer.sniff(ImageFixtures.png(width: 3, height: 2)) == ImageInfo(format: .png, width: 3, height: 2))
    }

    @Test func gif() {
        #expect(
            ImageSniffer.sniff(ImageFixtures.gif(width: 300, height: 7))
                == ImageInfo(format: .gif, width: 300, height: 7))
    }

    @Test(arguments: [UInt8(0xC0), 0xC1, 0xC2, 0xCA])
    func jpegFrames(sof: UInt8) {
        #expect(
            ImageSniffer.sniff(ImageFixtures.jpeg(width: 640, height: 480, sof: sof))
                == ImageInfo(format: .jpeg, width: 640, height: 480))
    }

    @Test func jpegWithoutFrameIsRejected() {
        #expect(ImageSniffer.sniff([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0xFF, 0xDA, 0, 2]) == nil)
        #expect(ImageSniffer.sniff(Array(ImageFixtures.jpeg(width: 1, height: 1).prefix(30))) == nil)
    }

    @Test func webpVariants() {
        #expect(
            ImageSniffer.sniff(ImageFixtures.webpLossy(width: 550, height: 368))
                == ImageInfo(format: .webp, width: 550, height: 368))
        #expect(
            ImageSniffer.sniff(ImageFixtures.webpLossless(width: 16_384, height: 1))
                == ImageInfo(format: .webp, width: 16_384, height: 1))
        #expect(
            ImageSniffer.sniff(ImageFixtures.webpExtended(width: 70_000, height: 2))
                == ImageInfo(format: .webp, width: 70_000, height: 2))
    }

    @Test func svg() {
        #expect(
            ImageSniffer.sniff(ImageFixtures.svg(width: 120, height: 80))
                == ImageInfo(format: .svg, width: 120, height: 80))
        let viewBox = Array("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 24 12\"/>".utf8)
        #expect(ImageSniffer.sniff(viewBox) == ImageInfo(format: .svg, width: 24, height: 12))
        #expect(ImageSniffer.sniff(Array("<html><svg></svg></html>".utf8)) == nil)
    }

    @Test func nonImagesAndTruncatedHeaders() {
        #expect(ImageSniffer.sniff([]) == nil)
        #expect(ImageSniffer.sniff(Array("hello, world".utf8)) == nil)
        #expect(ImageSniffer.sniff(Array(ImageFixtures.png(width: 1, height: 1).prefix(20))) == nil)
        #expect(ImageSniffer.sniff(Array(ImageFixtures.webpLossy(width: 1, height: 1).prefix(20))) == nil)
        #expect(ImageSniffer.sniff(Array("GIF89a".utf8)) == nil)
        for _ in 0..<300 {
            let junk = (0..<Int.random(in: 0..<64)).map { _ in UInt8.random(in: 0...255) }
            _ = ImageSniffer.sniff([0xFF, 0xD8, 0xFF] + junk)
            _ = ImageSniffer.sniff(Array("RIFF\0\0\0\0WEBPVP8X".utf8) + junk)
        }
    }
}
