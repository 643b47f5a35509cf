import CloudflareEmulator
import CloudflareImages
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ImagesAPI

/// A key fetched from `v1/keys` is used for a bounded time, then fetched again (keys can be rotated).
@Suite struct SigningKeySourceTests {
    @Test func aFetchedKeyIsReusedThenRefreshedAfterItsMaxAge() async throws {
        let service = try await EmulatorService.start()
        try await running(service) { s in
            let fetches = Mutex(0)
            let cloudflare = try CloudflareClient(
                configuration: .init(
                    accountID: "emu-account", apiToken: "emu-token", baseURL: s.emulator.apiBaseURL, maxAttempts: 1),
                httpClient: sharedHTTPClient,
                observer: { event in
                    if case .completed(.signingKeys, .success, _, _) = event { fetches.withLock { $0 += 1 } }
                })
            let instant = Mutex(ContinuousClock.now)
            let source = SigningKeySource(
                configured: nil, cloudflare: cloudflare, maxAge: .seconds(600), now: { instant.withLock { $0 } })
            let first = try await source.key()
            #expect(first == EmulatorService.account.signingKey)
            _ = try await source.key()
            instant.withLock { $0 += .seconds(599) }
            _ = try await source.key()
            #expect(fetches.withLock { $0 } == 1, "reused while younger than the max age")
            instant.withLock { $0 += .seconds(2) }
            #expect(try await source.key() == EmulatorService.account.signingKey)
            #expect(fetches.withLock { $0 } == 2, "fetched again once older")
            let configured = SigningKeySource(configured: "mine", cloudflare: cloudflare)
            #expect(try await configured.key() == "mine")
            #expect(fetches.withLock { $0 } == 2)
        }
    }
}
