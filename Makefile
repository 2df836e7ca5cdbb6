# SPDX-License-Identifier: BSD-3-Clause
# Makefile - build, run, test and benchmark vioswitch (one non-recursive file)

BUILD      ?= build
CC         ?= cc
V          ?= 0
SANITIZE   ?=

ifeq ($(V),0)
Q := @
else
Q :=
endif

PKGS     := libdpdk libpcap libbpf jansson libseccomp libcap-ng libsystemd \
	    libmicrohttpd
CFLAGS   := -std=c11 -D_GNU_SOURCE -Wall -Wextra -O2 -g \
	    -fstack-protector-strong -D_FORTIFY_SOURCE=2 -DALLOW_EXPERIMENTAL_API \
	    -Wno-address-of-packed-member -Iswitch -Ictl -Icapture -Ivioctl -Ivhost -Itap \
	    -Islirp -Ipcap -Ivxlan -Iebpf -I/usr/include/slirp
DEPCFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_SW = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lslirp -lpthread
TESTLIBS  = $(shell pkg-config --libs cmocka 2>/dev/null)
LDFLAGS  :=

ifneq ($(SANITIZE),)
BUILD    := build/san
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -O1
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

# Each folder is one part of the architecture (README.md, "Layout"):
# the datapath core, the port kinds, the capture feature, the daemon around
# them, and the vioctl program.
SWITCH_SRC  := switch/log.c switch/netdev.c switch/port.c switch/port_table.c \
	       switch/fdb.c switch/vlan.c switch/forward.c switch/egress.c \
	       switch/offload.c switch/offload_vnet.c switch/offload_tso.c \
	       switch/mbuf_copy.c switch/mbuf_pool.c switch/pmd.c switch/vswitch.c \
	       switch/storm.c switch/thread_role.c switch/cksum.c
PORTS_SRC   := pcap/pcap_port.c vhost/vhost_port.c vhost/vhost_events.c \
	       vhost/vhost_features.c vhost/vhost_socket.c vhost/vhost_mtu.c \
	       tap/tap_port.c \
	       ebpf/tap_bpf.c \
	       slirp/slirp_port.c slirp/slirp_thread.c slirp/slirp_call.c \
	       slirp/slirp_input.c slirp/slirp_output.c slirp/slirp_inq.c \
	       slirp/slirp_hostfwd.c slirp/hostfwd.c slirp/nat_tcp.c \
	       slirp/nat_tcp_conn.c slirp/nat_tcp_open.c slirp/nat_tcp_frames.c \
	       slirp/nat_tcp_frames6.c slirp/nat_tcp_header.c \
	       slirp/nat_limits.c slirp/nat_udp.c slirp/slirp_census.c \
	       slirp/nat_bind.c slirp/nat_dhcp.c slirp/slirp_nat.c \
	       slirp/nat_reass.c \
	       vxlan/vxlan_port.c vxlan/vxlan_rx.c vxlan/vxlan_tx.c \
	       vxlan/vxlan_remote.c vxlan/vxlan_hash.c vxlan/vxlan_lro.c \
	       vxlan/vxlan_csum.c vxlan/vxlan_tso.c
CAPTURE_SRC := capture/capture.c capture/capture_session.c capture/capture_tap.c \
	       capture/capture_filter.c capture/capture_writer.c \
	       capture/capture_output.c capture/capture_file.c \
	       capture/capture_spec.c capture/capture_ctl.c \
	       capture/capture_metrics.c
CTL_SRC     := ctl/eal.c ctl/options.c ctl/control.c ctl/ctl_clients.c \
	       ctl/ctl_cmds.c ctl/ctl_fds.c ctl/utf8.c ctl/feature.c \
	       ctl/fd_budget.c ctl/config_lines.c ctl/state.c ctl/sandbox.c \
	       ctl/sandbox_filter.c ctl/run_dir.c ctl/notify.c ctl/journal.c \
	       ctl/metrics.c ctl/metrics_http.c ctl/telemetry.c
# Everything but main(), shared by the daemon and the unit tests.
CORE_SRC   := $(SWITCH_SRC) $(PORTS_SRC) $(CAPTURE_SRC) $(CTL_SRC)
DAEMON_SRC := ctl/main.c
VIOCTL_SRC := vioctl/vioctl.c vioctl/vioctl_exchange.c vioctl/vioctl_print.c \
	      vioctl/vioctl_table.c vioctl/vioctl_nat.c vioctl/vioctl_top.c \
	      capture/capture_cli.c ctl/run_dir.c

# Objects mirror the source tree under $(OBJ); programs go to $(BUILD).
OBJ         = $(BUILD)/obj
CORE_OBJ   := $(CORE_SRC:%.c=$(OBJ)/%.o)
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(OBJ)/%.o)
VIOCTL_OBJ := $(VIOCTL_SRC:%.c=$(OBJ)/%.o)

UNIT_TESTS := test_fdb test_netdev test_options test_forward test_vlan \
	      test_storm test_slirp_inq \
	      test_hostfwd test_nat_tcp test_offload test_capture \
	      test_control test_mbuf_pool test_nat_limits test_nat_bind \
	      test_nat_dhcp test_config_lines test_pmd test_nat_reass test_vxlan
UNIT_BINS  := $(UNIT_TESTS:%=$(BUILD)/tests/%)

# The libFuzzer targets (see "fuzzing" below).
FUZZ_SECONDS ?= 60
FUZZ_TARGET  ?= offload
FUZZ_TARGETS := offload ctl nat vioctl
FUZZ_SRC := tests/fuzz/fuzz_offload.c switch/offload.c switch/offload_tso.c \
	    switch/offload_vnet.c switch/mbuf_copy.c switch/log.c switch/cksum.c
FUZZ_BIN := build/fuzz/fuzz_offload
FUZZ_BINS := $(FUZZ_TARGETS:%=build/fuzz/fuzz_%)

ALL_OBJ := $(CORE_OBJ) $(DAEMON_OBJ) $(VIOCTL_OBJ) \
	   $(UNIT_TESTS:%=$(OBJ)/tests/unit/%.o) $(OBJ)/tests/unit/eal_fixture.o

# Keep test objects between builds.
.SECONDARY:

.PHONY: all deps run test check unit replay ctl-tests integration sanitize \
	bench clean format format-check fuzz fuzz-replay install uninstall

all: $(BUILD)/vioswitch $(BUILD)/vioctl

$(OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) -I$(OBJ)/ebpf $(DEPCFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/vioswitch: $(CORE_OBJ) $(DAEMON_OBJ)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_SW)

$(BUILD)/vioctl: $(VIOCTL_OBJ)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs jansson)

$(BUILD)/tests/%: $(OBJ)/tests/unit/%.o $(OBJ)/tests/unit/eal_fixture.o $(CORE_OBJ)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_SW) $(TESTLIBS)

# BPF programs: compiled for the BPF target, wrapped as libbpf skeletons
# (generated, never in git).
BPF_CFLAGS := -O2 -g -target bpf -I/usr/include/$(shell gcc -dumpmachine)

$(OBJ)/ebpf/%.bpf.o: ebpf/%.bpf.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  BPF     $<")
	$(Q)clang $(BPF_CFLAGS) -c -o $@ $<

$(OBJ)/ebpf/%.skel.h: $(OBJ)/ebpf/%.bpf.o
	$(if $(Q),@echo "  SKEL    $@")
	$(Q)bpftool gen skeleton $< name $* > $@.tmp && mv $@.tmp $@

$(OBJ)/ebpf/tap_bpf.o: $(OBJ)/ebpf/tap_steer.skel.h \
		       $(OBJ)/ebpf/tap_filter.skel.h

-include $(ALL_OBJ:.o=.d)

# ---- set-up -------------------------------------------------------------
# Debian packages the build, `make run`, the tests and the benchmarks need
# (libvirt: tests/integration/libvirt.sh runs its own libvirtd).
DEB_PKGS := build-essential pkg-config libdpdk-dev dpdk libpcap-dev dpdk-dev \
	    libbpf-dev libslirp-dev libcmocka-dev libjansson-dev clang llvm \
	    bpftool iproute2 procps ethtool tcpdump tshark iputils-ping iperf3 socat \
	    python3 bridge-utils busybox-static util-linux qemu-system-x86 \
	    dropbear-bin openssh-client slirp4netns passt \
	    libvirt-daemon-system libvirt-clients libvirt-daemon-driver-qemu \
	    libseccomp-dev libcap-ng-dev libcap2-bin gdb libsystemd-dev \
	    libmicrohttpd-dev python3-prometheus-client curl \
	    man-db groff-base systemd python3-seccomp iptables

deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$(echo ' '$$missing)"; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run as root to install packages" >&2; exit 1; fi; \
		export DEBIAN_FRONTEND=noninteractive; \
		apt-get update -q && \
		apt-get install -y -q --no-install-recommends $$missing; \
	fi

# ---- installing ---------------------------------------------------------
# `make install [PREFIX=/usr/local] [DESTDIR=]` installs what README.md's
# "Installing" lists; `make uninstall` removes it. The daemon goes to sbin,
# as Debian's and Open vSwitch's daemons do (an administrator's program,
# section 8); vioctl, which any user with access to the socket may run, to
# bin. The configuration lives in /etc whatever the prefix, where the unit
# reads it: an edited one is never overwritten nor removed.
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/vioswitch
UNITDIR     ?= $(PREFIX)/lib/systemd/system
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
SYSCONFDIR  ?= /etc
CONF        := $(SYSCONFDIR)/vioswitch/vioswitch.conf

$(BUILD)/vioswitch.service: dist/vioswitch.service.in Makefile
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		$< > $@.tmp && mv $@.tmp $@

install: all $(BUILD)/vioswitch.service
	install -D -m 0755 $(BUILD)/vioswitch $(DESTDIR)$(SBINDIR)/vioswitch
	install -D -m 0755 $(BUILD)/vioctl $(DESTDIR)$(BINDIR)/vioctl
	install -D -m 0644 doc/vioswitch.8 $(DESTDIR)$(MANDIR)/man8/vioswitch.8
	install -D -m 0644 doc/vioctl.1 $(DESTDIR)$(MANDIR)/man1/vioctl.1
	install -D -m 0644 $(BUILD)/vioswitch.service \
		$(DESTDIR)$(UNITDIR)/vioswitch.service
	install -D -m 0644 vioctl/vioctl-completion.bash \
		$(DESTDIR)$(BASHCOMPDIR)/vioctl
	install -D -m 0644 dist/vioswitch.conf \
		$(DESTDIR)$(DOCDIR)/vioswitch.conf.example
	@if [ -e $(DESTDIR)$(CONF) ] && \
	    ! cmp -s dist/vioswitch.conf $(DESTDIR)$(CONF); then \
		echo "install: kept the edited $(DESTDIR)$(CONF);" \
		     "the example is $(DOCDIR)/vioswitch.conf.example"; \
	else \
		echo "install -D -m 0644 dist/vioswitch.conf $(DESTDIR)$(CONF)"; \
		install -D -m 0644 dist/vioswitch.conf $(DESTDIR)$(CONF); \
	fi

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/vioswitch $(DESTDIR)$(BINDIR)/vioctl \
	      $(DESTDIR)$(MANDIR)/man8/vioswitch.8 \
	      $(DESTDIR)$(MANDIR)/man1/vioctl.1 \
	      $(DESTDIR)$(UNITDIR)/vioswitch.service \
	      $(DESTDIR)$(BASHCOMPDIR)/vioctl \
	      $(DESTDIR)$(DOCDIR)/vioswitch.conf.example
	-rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null
	@if cmp -s dist/vioswitch.conf $(DESTDIR)$(CONF); then \
		echo "rm -f $(DESTDIR)$(CONF)"; rm -f $(DESTDIR)$(CONF); \
		rmdir $(DESTDIR)$(SYSCONFDIR)/vioswitch 2>/dev/null || true; \
	elif [ -e $(DESTDIR)$(CONF) ]; then \
		echo "uninstall: kept the edited $(DESTDIR)$(CONF)"; \
	fi

# ---- running ------------------------------------------------------------
# Without arguments the switch starts its embedded default (README.md).
RUN_ARGS ?=

run: deps
	$(Q)$(MAKE) --no-print-directory all
	exec $(BUILD)/vioswitch $(RUN_ARGS)

# ---- tests --------------------------------------------------------------
test: deps
	$(Q)$(MAKE) --no-print-directory check
ifeq ($(SANITIZE),)
	$(Q)$(MAKE) --no-print-directory sanitize
endif
	@echo "make test: all suites passed"

# Sanitizer runs: no leak report at exit (DPDK keeps its memory until
# then), stop at the first error.
SAN_ENV := ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
	   UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

check: all $(UNIT_BINS) $(FUZZ_BINS)
	$(Q)$(if $(SANITIZE),$(SAN_ENV)) \
		tests/run-suites.sh $(BUILD) layout unit replay fuzz ctl integration

unit: $(UNIT_BINS)
	$(Q)tests/run-suites.sh $(BUILD) unit

replay: all
	$(Q)tests/run-suites.sh $(BUILD) replay

ctl-tests: all
	$(Q)tests/run-suites.sh $(BUILD) ctl

integration: all
	$(Q)tests/run-suites.sh $(BUILD) integration

# The sanitizer build runs the unit and replay tests.
sanitize:
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined all \
		$(UNIT_TESTS:%=build/san/tests/%)
	$(Q)$(SAN_ENV) tests/run-suites.sh build/san unit replay

bench: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/bench/run.sh $(BUILD)

# ---- fuzzing -----------------------------------------------------------
# libFuzzer targets, built with clang, ASan and UBSan (tests/fuzz/README.md):
#   offload  virtio header validation and offload adaptation
#   ctl      control requests on a live switch (ctl_handle())
#   nat      guest frames into the NAT (slirp_frame_in()) and its loop
#   vioctl   vioctl's printers over fuzzed results
# `make fuzz FUZZ_TARGET=T` runs one for FUZZ_SECONDS; seeds come from
# tests/fuzz/corpus-T (offload: tests/fuzz/corpus), new inputs and crashes
# go to build/fuzz/T/ (copy a crash into the seed corpus as regress-* to
# keep it as a test). ctl and nat run inside tests/fuzz/sandbox.sh: only
# loopback, every mount read-only but a throwaway tmpfs. `make test`
# (and `make fuzz-replay`) replays every seed corpus once.
FUZZ_OBJ      := build/fuzz/obj
FUZZ_CFLAGS   := -std=c11 -D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API -g -O1 \
		 -fno-omit-frame-pointer -Wall -Wextra \
		 -Wno-address-of-packed-member -Iswitch -Ictl -Icapture \
		 -Ivioctl -Ivhost -Itap -Islirp -Ipcap -Ivxlan -Iebpf \
		 -I/usr/include/slirp -Itests/fuzz -DVIOSWITCH_FUZZ_CLOCK
FUZZ_CORE_OBJ := $(CORE_SRC:%.c=$(FUZZ_OBJ)/%.o)

$(FUZZ_BIN): $(FUZZ_SRC) $(wildcard switch/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZ    $@")
	$(Q)clang -std=c11 -D_GNU_SOURCE -DALLOW_EXPERIMENTAL_API -g -O1 \
		-fsanitize=fuzzer,address,undefined -Iswitch $(DEPCFLAGS) \
		-o $@ $(FUZZ_SRC) $(LDLIBS_SW)

# The core, instrumented for coverage, for the targets that need all of it.
$(FUZZ_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  FUZZCC  $<")
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined \
		-I$(OBJ)/ebpf $(DEPCFLAGS) -MMD -MP -c -o $@ $<

$(FUZZ_OBJ)/ebpf/tap_bpf.o: $(OBJ)/ebpf/tap_steer.skel.h \
			    $(OBJ)/ebpf/tap_filter.skel.h

build/fuzz/fuzz_ctl build/fuzz/fuzz_nat: build/fuzz/fuzz_%: \
		$(FUZZ_OBJ)/tests/fuzz/fuzz_%.o \
		$(FUZZ_OBJ)/tests/fuzz/fuzz_sandbox.o $(FUZZ_CORE_OBJ)
	$(if $(Q),@echo "  FUZZLD  $@")
	$(Q)clang -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS_SW)

# vioctl's printers: no EAL, no sandbox (nothing but memory is touched).
FUZZ_VIOCTL_OBJ := $(filter-out $(FUZZ_OBJ)/vioctl/vioctl.o, \
		     $(VIOCTL_SRC:%.c=$(FUZZ_OBJ)/%.o))

build/fuzz/fuzz_vioctl: $(FUZZ_OBJ)/tests/fuzz/fuzz_vioctl.o $(FUZZ_VIOCTL_OBJ)
	$(if $(Q),@echo "  FUZZLD  $@")
	$(Q)clang -fsanitize=fuzzer,address,undefined -o $@ $^ \
		$(shell pkg-config --libs jansson)

-include $(FUZZ_CORE_OBJ:.o=.d) $(FUZZ_OBJ)/tests/fuzz/fuzz_ctl.d \
	 $(FUZZ_OBJ)/tests/fuzz/fuzz_nat.d $(FUZZ_OBJ)/tests/fuzz/fuzz_sandbox.d \
	 $(FUZZ_VIOCTL_OBJ:.o=.d) $(FUZZ_OBJ)/tests/fuzz/fuzz_vioctl.d

fuzz: deps build/fuzz/fuzz_$(FUZZ_TARGET)
	$(Q)tests/fuzz/run.sh fuzz $(FUZZ_TARGET) $(FUZZ_SECONDS)

fuzz-replay: $(FUZZ_BINS)
	$(Q)tests/fuzz/run.sh replay $(FUZZ_TARGETS)

clean:
	rm -rf build

FORMAT_SRC = $(wildcard switch/*.c switch/*.h ctl/*.c ctl/*.h capture/*.c \
	       capture/*.h vioctl/*.c vioctl/*.h pcap/*.c vhost/*.c vhost/*.h \
	       tap/*.c slirp/*.c slirp/*.h vxlan/*.c vxlan/*.h \
	       tests/unit/*.c tests/unit/*.h tests/fuzz/*.c tests/fuzz/*.h)

format:
	clang-format -i $(FORMAT_SRC)

format-check:
	$(Q)clang-format --dry-run -Werror $(FORMAT_SRC)
