/* The AppArmor profile `can setup` installs (pure). */
#ifndef CAN_APPARMOR_PROFILE_H
#define CAN_APPARMOR_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

/* The profile for the binary at exe (an absolute, resolved path) into buf.
 * Its length, or -1 when the path cannot be named safely in a profile or
 * buf is too small. */
int apparmor_profile_text(const char *exe, char *buf, size_t size);
/* The profile's name and its file name in /etc/apparmor.d ("usr.bin.can",
 * AppArmor's convention: one profile per installed binary); 0 or -1. */
int apparmor_profile_name(const char *exe, char *buf, size_t size);

#endif
