import Testing

@Test func CryptoTestsPlaceholder() {}
