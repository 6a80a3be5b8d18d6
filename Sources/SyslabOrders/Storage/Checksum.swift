/// FNV-1a, 64 bits: detects torn or altered snapshot bytes. Not a defence against
/// someone forging a snapshot on purpose (the file is trusted); it is there to
/// catch damage, which is what snapshot corruption is.
enum Checksum {
    static func fnv1a64(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
