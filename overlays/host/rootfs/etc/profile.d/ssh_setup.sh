# ww4j: give every user a passwordless key for SSH between cluster nodes on first login.
if [ -n "$HOME" ] && [ "$(id -u)" -ne 0 ] && [ ! -f "$HOME/.ssh/cluster" ]; then
    mkdir -p "$HOME/.ssh" && chmod 700 "$HOME/.ssh"
    ssh-keygen -q -t ed25519 -N "" -C "cluster key" -f "$HOME/.ssh/cluster" < /dev/null
    cat "$HOME/.ssh/cluster.pub" >> "$HOME/.ssh/authorized_keys"
    chmod 600 "$HOME/.ssh/authorized_keys"
    printf 'Host *\n    IdentityFile ~/.ssh/cluster\n    StrictHostKeyChecking=no\n' >> "$HOME/.ssh/config"
    chmod 600 "$HOME/.ssh/config"
fi
