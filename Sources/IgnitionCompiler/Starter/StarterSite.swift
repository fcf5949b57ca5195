/// The site.yaml `igncc init` writes: one network, one host per MAC (`node1`, `node2`…) with
/// static addresses and roles Kubespray accepts (an odd etcd count), a comment on every key in
/// the style of samples/lacave/site.yaml. With SSH keys it passes `igncc check` as written;
/// without, its empty key list is the one error `igncc check` reports, at the line that says to
/// add a key. Deterministic: the same MACs and keys give the same bytes on any machine.
public struct StarterSite: Sendable {
    /// The most hosts a starter holds: one /24 from .21 up.
    public static let maxHosts = 200
    /// The MAC of the example host of a starter without `--mac` (QEMU's prefix, locally administered).
    static let exampleMAC = "52:54:00:00:00:01"

    public var macs: [MACAddress]
    /// `authorized_keys` lines, each checked with `keys(in:)`; none writes `ssh_authorized_keys: []`.
    public var sshKeys: [String]
    /// Where the keys came from, for the comment (`~/.ssh/id_ed25519.pub`).
    public var keySource: String?

    public init(macs: [MACAddress], sshKeys: [String], keySource: String?) {
        self.macs = macs
        self.sshKeys = sshKeys
        self.keySource = keySource
    }

    /// The roles of host `index` (0-based) of `count`: one control plane with etcd that is also a
    /// worker below three hosts; three control planes with etcd from three hosts (etcd needs an
    /// odd count), workers too until there are at least two other workers.
    public static func roles(ofHost index: Int, count: Int) -> [Role] {
        let controlPlanes = count >= 3 ? 3 : 1
        let dedicated = count - controlPlanes >= 2
        guard index < controlPlanes else { return [.worker] }
        return dedicated ? [.controlPlane, .etcd] : [.controlPlane, .etcd, .worker]
    }

    /// The public keys of an `authorized_keys` or `.pub` file's text (blank and `#` lines skipped),
    /// or the first problem with its 1-based line number.
    public static func keys(in text: String) -> Result<[String], KeyProblem> {
        var keys: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = String(line).trimmingWhitespace()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            if let problem = SSHKey.problem(in: trimmed) { return .failure(KeyProblem(line: number + 1, message: problem)) }
            keys.append(trimmed)
        }
        return keys.isEmpty ? .failure(KeyProblem(line: nil, message: "it holds no SSH public key")) : .success(keys)
    }

    public struct KeyProblem: Error, Sendable, Equatable {
        public var line: Int?
        public var message: String
    }

    public func render() -> String {
        var text = """
            # site.yaml, format version 1, written by 'igncc init' as a starting point: edit it, then
            # 'igncc check' it and 'igncc build' it. igncc's samples/lacave/site.yaml shows every key.
            version: 1
            site: mysite                       # short name: [a-z0-9-]+
            domain: mysite.internal            # DNS domain; a host's FQDN is <host>.<domain>

            defaults:                          # every key here may be overridden per host
              os: fcos                         # fcos | flatcar
              install_disk: /dev/sda           # erased by the install; must start with /dev/
              user: core                       # the login user that receives the SSH keys (Kubespray logs in as it)

            """
        if sshKeys.isEmpty {
            text += """
                  # ADD YOUR SSH PUBLIC KEY below (the one line of ~/.ssh/id_ed25519.pub, say), as
                  #   ssh_authorized_keys:
                  #     - ssh-ed25519 AAAA… you@host
                  ssh_authorized_keys: []          # add your SSH key: nothing can log in without one

                """
        } else {
            text += "  ssh_authorized_keys:" + (keySource.map { "             # from \($0)" } ?? "") + "\n"
            for key in sshKeys { text += "    - \(key)\n" }
        }
        text += """
              timezone: UTC                    # optional, IANA name

            networks:
              lan:                             # the network the machines install from
                cidr: 192.168.1.0/24           # its addresses, with the prefix length
                gateway: 192.168.1.1           # optional: the default route
                dns: [192.168.1.1]             # optional: name servers for the hosts

            hosts:

            """
        let macs = self.macs.isEmpty ? [nil] : self.macs.map(Optional.some)
        for (index, mac) in macs.enumerated() {
            let roles = Self.roles(ofHost: index, count: macs.count).map(\.rawValue).joined(separator: ", ")
            let address = "192.168.1.\(21 + index)"
            if index == 0 {
                let macComment = mac == nil
                    ? "# an example: your machine's MAC (igncc serve logs unknown ones)"
                    : "# any case, ':' '-' or '.' separators accepted"
                text += """
                      node1:
                        roles: [\(roles)]\(Self.pad("    roles: [\(roles)]"))# control-plane, etcd (an odd count), worker
                        nics:
                          - mac: \(mac?.description ?? Self.exampleMAC)\(Self.pad("      - mac: 00:00:00:00:00:00"))\(macComment)
                            network: lan\(Self.pad("        network: lan"))# one of 'networks'
                            address: \(address)\(Self.pad("        address: \(address)"))# static; prefix from the network; omit for DHCP

                    """
            } else {
                text += """
                      node\(index + 1):
                        roles: [\(roles)]
                        nics:
                          - {mac: \(mac!.description), network: lan, address: \(address)}

                    """
            }
        }
        text += """

            kubernetes:
              cluster_name: cluster.local      # Kubespray's cluster_name
              network_plugin: calico           # the CNI plugin Kubespray installs
              api:
                name: kube                     # kube.<domain>: the API's DNS name (round robin over the control planes)
              # version: 1.35.4                # optional: the Kubernetes version; Kubespray's default otherwise

            serve:
              base_url: http://192.168.1.10:8080   # where machines reach 'igncc serve': this machine's address on lan

            """
        return text
    }

    /// Spaces that put a comment at column 36, as in the samples (at least one).
    private static func pad(_ line: String) -> String {
        String(repeating: " ", count: max(1, 35 - line.count))
    }
}
