# Twinstore top-level Makefile.
#
#   make              build twin.ko and every userspace program
#   make deps         install the Debian packages the project needs
#   make check        run every test (unit, integration, VM)
#   make check-asan   run the userspace tests under ASan and UBSan
#   make bench        run the benchmarks and print their tables
#
# Each component describes itself in a module.mk fragment (see mk/rules.mk
# for the variables it may set); this file only ties them together.

O ?= build
KVER ?= $(shell scripts/kver.sh)
KDIR ?= /usr/src/linux-headers-$(KVER)

CC ?= cc
CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE \
	  -Iinclude -Iuserspace -MMD -MP
LDFLAGS ?=

ifeq ($(SANITIZE),1)
O := build-asan
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

export O KVER KDIR

.PHONY: all userspace kmod deps check check-unit check-integration check-vm \
	check-asan bench fuzz demo drill install clean
all: userspace kmod

include mk/rules.mk
include $(sort $(wildcard userspace/*/module.mk tools/*/module.mk \
			   tests/*/module.mk))
$(foreach l,$(LIBS),$(eval $(call lib_template,$(l))))
$(foreach p,$(PROGS),$(eval $(call prog_template,$(p),bin)))
$(foreach t,$(UNIT_TESTS) $(TEST_PROGS),\
	$(eval $(call prog_template,$(t),tests)))

userspace: $(addprefix $(O)/bin/,$(PROGS)) \
	   $(addprefix $(O)/tests/,$(UNIT_TESTS) $(TEST_PROGS))

kmod:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	scripts/deps.sh

check: all
	$(MAKE) SANITIZE=1 userspace
	tests/run.sh all

check-unit: userspace
	tests/run.sh unit

check-integration: userspace
	tests/run.sh integration

check-vm: all
	tests/run.sh vm

check-asan:
	$(MAKE) SANITIZE=1 userspace
	tests/run.sh asan

bench: all
	tests/bench/run.sh

FUZZ_SECONDS ?= 20
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)

demo: all
	tests/vm/demo.sh

drill: all
	TWIN_DRILL_LONG=1 tests/run.sh vm

clean:
	rm -rf build build-asan
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean

-include $(shell find $(O) -name '*.d' 2>/dev/null)

PREFIX ?= /usr/local
install: all
	install -d $(DESTDIR)$(PREFIX)/sbin
	install -m 755 $(addprefix $(O)/bin/,$(PROGS)) $(DESTDIR)$(PREFIX)/sbin/
	install -D -m 644 kmod/twin.ko \
		$(DESTDIR)/lib/modules/$(KVER)/extra/twin.ko
