/// Checks one `authorized_keys` line: `[options] type base64 [comment]` is reduced here to
/// `type base64 [comment]`, as Ignition writes keys without options.
enum SSHKey {
    static let knownTypes = [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ]

    /// Why `line` is not a usable public key, or nil.
    static func problem(in line: String) -> String? {
        let trimmed = line.trimmingWhitespace()
        if trimmed.contains("PRIVATE KEY") || trimmed.hasPrefix("-----BEGIN") {
            return "this is a private key; paste the public key (the '.pub' file) instead, and treat this one as leaked"
        }
        if trimmed.contains("\n") { return "an SSH key must fit on one line" }
        let fields = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let type = fields.first.map(String.init) else { return "the SSH key is empty" }
        // No spelling suggestion: keys are pasted, not typed, and 'ssh-dss' is no typo of 'ssh-rsa'.
        guard knownTypes.contains(type) else { return "unknown SSH key type '\(type)'" }
        guard fields.count >= 2 else { return "the SSH key has no key data after '\(type)'" }
        guard let blob = Base64.decode(String(fields[1])) else { return "the key data of this '\(type)' key is not valid base64" }
        guard blob.count >= 4 else { return "the key data of this '\(type)' key is truncated" }
        let length = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard length <= blob.count - 4 else { return "the key data of this '\(type)' key is truncated" }
        let embedded = String(decoding: blob[4..<(4 + length)], as: UTF8.self)
        guard embedded == type else { return "the key data is a '\(embedded)' key but the line says '\(type)'" }
        return nil
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
