/* SPDX-License-Identifier: BSD-3-Clause */
/* protocol.h - the control protocol's constants, shared by the daemon and
 * vioctl (doc/control-protocol.md)
 */
#ifndef VIOSWITCH_CTL_PROTOCOL_H
#define VIOSWITCH_CTL_PROTOCOL_H

#define CTL_PATH_DEFAULT "/run/vioswitch/ctl.sock" /* the socket */
#define CTL_PATH_ENV	 "VIOSWITCH_CTL" /* names another socket */
#define CTL_REQUEST_MAX	 65536 /* bytes of a request, without newline */
#define CTL_REPLY_MAX	 (16u << 20) /* bytes of a reply, without newline */

#endif /* VIOSWITCH_CTL_PROTOCOL_H */
