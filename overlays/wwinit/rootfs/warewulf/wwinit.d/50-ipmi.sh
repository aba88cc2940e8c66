# Writes the BMC network settings when the node asks for it (ipmi write: true).
[ "$WWIPMI_WRITE" = true ] || exit 0
[ -n "$WWIPMI_IPADDR" ] || exit 0
command -v ipmitool > /dev/null 2>&1 || { echo "wwinit: ipmitool missing, BMC not configured"; exit 0; }
channel=1
ipmitool lan set $channel ipsrc static
ipmitool lan set $channel ipaddr "$WWIPMI_IPADDR"
[ -n "$WWIPMI_NETMASK" ] && ipmitool lan set $channel netmask "$WWIPMI_NETMASK"
[ -n "$WWIPMI_GATEWAY" ] && ipmitool lan set $channel defgw ipaddr "$WWIPMI_GATEWAY"
if [ -n "$WWIPMI_USER" ]; then
    ipmitool user set name 2 "$WWIPMI_USER"
    [ -n "$WWIPMI_PASSWORD" ] && ipmitool user set password 2 "$WWIPMI_PASSWORD"
    ipmitool user enable 2
fi
exit 0
