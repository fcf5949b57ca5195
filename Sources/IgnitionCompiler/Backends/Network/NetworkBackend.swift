/// Each host's network files, standalone under `network/<host>/`, for review and for
/// `coreos-installer --copy-network` or `iso customize --network-keyfile`.
enum NetworkBackend {
    static func files(for site: Site) -> [OutputFile] {
        site.hosts.flatMap { host in
            HostNetworkFiles.files(for: host, in: site).map { file in
                // Network configs stay private in the output tree whatever their mode on the host.
                OutputFile("network/\(host.name.value)/\(file.fileName)", text: file.document.render(), mode: 0o600)
            }
        }
    }
}
