# slotctl: administer a slot (users, quotas, delivery, audit, dump).
PROGS += slotctl
slotctl_SRCS := tools/slotctl/main.c tools/slotctl/cmd_slot.c \
		tools/slotctl/cmd_user.c tools/slotctl/cmd_mail.c
slotctl_LIBADD := store
slotctl_LDLIBS := -ldb -lcrypto
