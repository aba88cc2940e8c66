# Partitions local disks from /warewulf/sfdisk/*.sfdisk (sfdisk overlay). A disk that already
# has a partition table is left alone unless its script says "# wipe: true".
command -v sfdisk > /dev/null 2>&1 || { echo "wwinit: sfdisk missing, disks not partitioned"; exit 0; }
for script in /warewulf/sfdisk/*.sfdisk; do
    [ -f "$script" ] || continue
    device=$(sed -n 's/^# device: //p' "$script")
    wipe=$(sed -n 's/^# wipe: //p' "$script")
    [ -b "$device" ] || { echo "wwinit: $device not present, skipping"; continue; }
    if [ "$wipe" != true ] && sfdisk -d "$device" > /dev/null 2>&1; then
        echo "wwinit: $device already partitioned"
        continue
    fi
    echo "wwinit: partitioning $device"
    sfdisk --wipe always "$device" < "$script" && { partprobe "$device" 2> /dev/null || true; }
done
exit 0
