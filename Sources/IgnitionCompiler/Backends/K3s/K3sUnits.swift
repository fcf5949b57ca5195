/// igncc's systemd units for k3s on Fedora CoreOS, where the binary is an Ignition remote file
/// at `/usr/local/bin/k3s` (on Flatcar the k3s system extension brings its own units).
///
/// The settings k3s's install script gives its units: `Type=notify` for the server (it tells
/// systemd when the API is up), `exec` for the agent; `KillMode=process` so that restarting k3s
/// leaves the pods' containers running; `Delegate=yes` for the cgroups containerd manages;
/// limits lifted; restarted for ever. The modules are loaded first (`-`: not fatal when built in).
enum K3sUnits {
    static let binaryPath = "/usr/local/bin/k3s"

    /// The unit's name: `k3s.service` on servers, `k3s-agent.service` on agents.
    static func name(_ kind: K3sNodeConfig.Kind) -> String {
        kind == .server ? "k3s.service" : "k3s-agent.service"
    }

    static func contents(_ kind: K3sNodeConfig.Kind) -> String {
        let (description, type, command) = kind == .server
            ? ("k3s server (written by igncc)", "notify", "server")
            : ("k3s agent (written by igncc)", "exec", "agent")
        return """
            [Unit]
            Description=\(description)
            Documentation=https://docs.k3s.io
            Wants=network-online.target
            After=network-online.target
            ConditionPathExists=\(K3sNodeConfig.configPath)

            [Service]
            Type=\(type)
            KillMode=process
            Delegate=yes
            LimitNOFILE=1048576
            LimitNPROC=infinity
            LimitCORE=infinity
            TasksMax=infinity
            TimeoutStartSec=0
            Restart=always
            RestartSec=5s
            ExecStartPre=-/sbin/modprobe br_netfilter
            ExecStartPre=-/sbin/modprobe overlay
            ExecStart=\(binaryPath) \(command)

            [Install]
            WantedBy=multi-user.target

            """
    }
}
