/// `out/k3s/README.txt`: what an operator does with a k3s site once its nodes are installed —
/// which server starts the cluster, how to take the admin kubeconfig from it and point it at the
/// API name (what seed 001 does by hand), the nodes, and where they fetch k3s. Exact for the site:
/// the join URL is the one every node's config.yaml holds (`K3sNodeConfig.joinURL`), the URLs
/// those its Ignition fetches (`K3sArtifacts.location`). It names the token's file, never the token.
enum K3sReadme {
    /// The README of the k3s site `site`; empty when the site is not a k3s one.
    static func text(for site: Site) -> String {
        guard let k3s = site.kubernetes?.k3s else { return "" }
        let servers = site.hosts.filter(\.isK3sServer)
        let agents = site.hosts.filter { !$0.isK3sServer }
        let first = servers.first
        var lines = ["k3s \(k3s.version.value) for site '\(site.name.value)' (\(site.domain.value)), as igncc wrote it from site.yaml.", ""]

        let rows = site.hosts.map { host in
            [host.name.value, fqdn(host, in: site), K3sNodeConfig.nodeNIC(of: host, in: site)?.address.map { "\($0.value)" } ?? "dhcp",
             osName(host.os.value)]
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        func row(_ host: Host) -> String {
            let cells = rows[site.hosts.firstIndex { $0.name.value == host.name.value }!]
            var line = "  " + (0..<3).map { cells[$0].padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            line += "  " + cells[3]
            if host.name.value == first?.name.value { line += "  (first server: starts the cluster, cluster-init)" }
            return line
        }
        lines.append("Servers (k3s server, embedded etcd):")
        lines += servers.map(row)
        if !agents.isEmpty {
            lines.append("Agents (k3s agent):")
            lines += agents.map(row)
        }
        lines.append("")

        let apiURL = K3sNodeConfig.joinURL(in: site) ?? first.map { "https://\(fqdn($0, in: site)):\(K3sNodeConfig.apiPort)" } ?? ""
        let tokenFile = k3s.tokenFile?.value ?? K3sSettings.defaultTokenFile
        lines.append("The other nodes join at \(apiURL) with the cluster token in '\(tokenFile)'")
        lines.append("(relative to site.yaml; a secret: keep it out of version control).")
        if let api = site.kubernetes?.api, api.runsKubeVIP, let vip = api.vip {
            lines.append("kube-vip holds the API VIP \(vip.value) on the servers (\(K3sKubeVIP.manifestPath)).")
        }
        lines.append("")

        if let first {
            let address = K3sNodeConfig.nodeNIC(of: first, in: site)?.address.map { "\($0.value)" } ?? fqdn(first, in: site)
            lines.append("The admin kubeconfig, once \(first.name.value) runs k3s (it names the API https://127.0.0.1:6443):")
            lines.append("  (umask 077; ssh \(first.user.value)@\(address) sudo cat /etc/rancher/k3s/k3s.yaml > kubeconfig)")
            lines.append("  kubectl --kubeconfig kubeconfig config set-cluster default --server=\(apiURL)")
            lines.append("  kubectl --kubeconfig kubeconfig get nodes")
            lines.append("")
        }

        lines.append("Where the nodes fetch k3s (Ignition checks its SHA-256):")
        for os in OperatingSystem.allCases where site.hosts.contains(where: { $0.os.value == os }) {
            guard let (path, url) = K3sArtifacts.location(os, in: site) else { continue }
            let source = url ?? "'\(path)' under serve.base_url"
            switch os {
            case .fcos:
                lines.append("  \(osName(os)): \(K3sUnits.binaryPath) from \(source)")
            case .flatcar:
                lines.append("  \(osName(os)): \(K3sIgnition.sysextPath(version: k3s.version.value)) (linked from \(K3sIgnition.sysextLink))")
                lines.append("    from \(source)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func fqdn(_ host: Host, in site: Site) -> String { "\(host.name.value).\(site.domain.value)" }

    private static func osName(_ os: OperatingSystem) -> String {
        switch os {
        case .fcos: return "Fedora CoreOS"
        case .flatcar: return "Flatcar"
        }
    }
}
