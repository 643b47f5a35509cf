import Testing

@Test func CloudflareEmulatorTestsPlaceholder() {}
