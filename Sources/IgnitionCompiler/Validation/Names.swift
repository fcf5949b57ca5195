/// Name rules shared by the front-end and the validator.
enum DNSName {
    /// Why `name` is not a valid host or domain name (RFC 1123 labels, 253 characters), or nil.
    static func problem(in name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 253 { return "is longer than 253 characters" }
        for label in name.split(separator: ".", omittingEmptySubsequences: false) {
            if let problem = labelProblem(label) { return problem }
        }
        return nil
    }

    /// Why one label is invalid: a-z, 0-9 and '-', 1 to 63 characters, no '-' at either end.
    static func labelProblem(_ label: Substring) -> String? {
        if label.isEmpty { return "has an empty label" }
        if label.utf8.count > 63 { return "has a label longer than 63 characters" }
        if !label.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
            return "may contain only letters, digits and '-'"
        }
        if label.first == "-" || label.last == "-" { return "may not start or end with '-'" }
        return nil
    }
}

enum Names {
    /// Letters, digits, '-' and '_': safe in file names and as identifiers.
    static func isSimpleIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Why `name` cannot be a Linux interface name, or nil.
    static func interfaceNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        if name.utf8.count > 15 { return "is longer than 15 characters" }
        if name == "." || name == ".." { return "is reserved" }
        if name.contains(where: { $0 == "/" || $0 == ":" || $0.isWhitespace || !$0.isASCII }) {
            return "may not contain '/', ':', spaces or non-ASCII characters"
        }
        return nil
    }

    /// Whether `name` is one the kernel itself gives Ethernet interfaces (`eth0`, `eth1`…), which
    /// systemd.link(5) and dracut advise against pinning: udev's rename races with the kernel's.
    static func isKernelInterfaceName(_ name: String) -> Bool {
        guard name.hasPrefix("eth") else { return false }
        let digits = name.dropFirst(3)
        return !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
