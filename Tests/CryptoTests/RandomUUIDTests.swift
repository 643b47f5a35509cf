import Crypto
import Foundation
import Testing

struct RandomUUIDTests {
    @Test func bytesAreAVersion4RFC4122UUID() {
        for _ in 0..<100 {
            let text = UUID(uuid: RandomUUID.bytes()).uuidString.lowercased()
            let characters = Array(text)
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
        }
    }

    @Test func successiveUUIDsDiffer() {
        let ids = Set((0..<1_000).map { _ in UUID(uuid: RandomUUID.bytes()) })
        #expect(ids.count == 1_000)
    }
}
