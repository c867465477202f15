# Build rules shared by every component.
#
# A component's module.mk appends names to these lists and sets per-name
# variables (NAME is the library, program or test name):
#
#   LIBS += NAME          a static library  $(O)/lib/libNAME.a
#   PROGS += NAME         a program         $(O)/bin/NAME
#   UNIT_TESTS += NAME    a CUnit program   $(O)/tests/NAME (run by make check)
#   TEST_PROGS += NAME    a test helper     $(O)/tests/NAME (not run itself)
#
#   NAME_SRCS    the .c files
#   NAME_LIBADD  project libraries to link, most dependent first
#   NAME_LDLIBS  system libraries, e.g. -luring -lssl -lcrypto -ldb
#
# Objects land in $(O)/obj/ mirroring the source tree.

obj_of = $(patsubst %.c,$(O)/obj/%.o,$(1))

$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

define lib_template
$(O)/lib/lib$(1).a: $(call obj_of,$($(1)_SRCS))
	@mkdir -p $$(dir $$@)
	rm -f $$@
	$(AR) rcs $$@ $$^
endef

# $(1) name, $(2) output folder under $(O)
define prog_template
$(O)/$(2)/$(1): $(call obj_of,$($(1)_SRCS)) \
		$(foreach l,$($(1)_LIBADD),$(O)/lib/lib$(l).a)
	@mkdir -p $$(dir $$@)
	$(CC) $(LDFLAGS) -o $$@ $$^ $($(1)_LDLIBS)
endef
