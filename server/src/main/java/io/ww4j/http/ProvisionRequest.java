package io.ww4j.http;

/**
 * A parsed provisioning request (spec §1.4).
 *
 * @param stage    the resolved stage (ipxe, kernel, image, initramfs, system, runtime, grub, efiboot)
 * @param hwaddr   the client MAC, lowercase and colon separated
 * @param efiFile  for efiboot: the requested file name
 * @param assetKey the {@code assetkey} parameter ("" if absent)
 * @param compress the {@code compress} parameter ("" if absent)
 * @param peerIp   the TCP peer address
 * @param peerPort the TCP peer port
 * @param ipv6     whether the request came over IPv6
 */
record ProvisionRequest(String stage, String hwaddr, String efiFile, String assetKey, String compress,
                        String peerIp, int peerPort, boolean ipv6) {}
