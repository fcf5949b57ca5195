/// `out/boot.ipxe`: what DHCP points iPXE at when a web server other than `igncc serve` (nginx, an
/// object store, a CDN) serves the tree. It does with static files what `igncc serve`'s dynamic
/// `/boot.ipxe` does with `/ipxe?mac=`: it tries the MAC of the NIC iPXE booted from, then each of
/// the first four NICs, chaining to `install/by-mac/<mac>.ipxe` (a missing file is a 404, so
/// `chain` fails and `||` goes on); a machine no host has gets the unknown-machine message and
/// boots its local disk. It cannot log the machine, as `igncc serve` does: it prints the stub.
///
/// iPXE reads each line as words split at spaces; `${name}` is one of its settings (`mac:hexhyp`
/// is `52-54-00-aa-bb-cc`, `mac:hexraw` `525400aabbcc`, `mac` `52:54:00:aa:bb:cc`, empty when
/// there is no such NIC); a failed command ends the script unless `||` follows it.
public enum StaticBootScript {
    /// The NICs tried after the one iPXE booted from: `net0`…`net3`, here and in `igncc serve`'s
    /// dynamic `/boot.ipxe`.
    public static let probedNICs = 0..<4

    static func render(site: String, baseURL: String) -> String {
        let chain = "chain --replace --autofree \(baseURL)/\(InstallPaths.byMACDirectory)/"
        var lines = [
            "#!ipxe",
            "# Finds this machine's install script by the MAC of any of its NICs, for any web server that",
            "# serves this tree at \(baseURL)/ (written by igncc for site '\(site)'). igncc serve answers",
            "# /boot.ipxe itself, with the same search through /ipxe?mac= and a log line for unknown machines.",
            "\(chain)${mac:hexhyp}.ipxe ||",
        ]
        lines += probedNICs.map { "\(chain)${net\($0)/mac:hexhyp}.ipxe ||" }
        let macs = probedNICs.map { "${net\($0)/mac}" }.joined(separator: " ")
        lines += [
            "echo igncc: no host of site \(site) has the MAC ${mac}",
            "echo igncc: its NICs: \(macs)",
            "echo igncc: add it to site.yaml under 'hosts', then build and boot again, for instance:",
            "echo igncc: node-${mac:hexraw}: {roles: [worker], nics: [{mac: ${mac}, network: CHANGE-ME}]}",
            "echo igncc: booting from the local disk in 10 seconds",
            "sleep 10",
            "exit",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
