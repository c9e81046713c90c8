/* Classic BPF interpreter for seccomp programs (see bpf_eval.h). Written
 * from the instruction set definitions in linux/filter.h; the kernel's
 * seccomp checker allows only the subset handled here. */
#include "bpf_eval.h"

#include <linux/audit.h>
#include <string.h>

static int load_word(const struct seccomp_data *d, uint32_t off, uint32_t *out)
{
	/* The kernel accepts only aligned 32-bit loads inside seccomp_data. */
	if (off % 4 != 0 || off + 4 > sizeof(*d))
		return -1;
	memcpy(out, (const char *)d + off, 4);
	return 0;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v, const char **why)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_DIV:
		if (v == 0) {
			*why = "division by zero";
			return 0;
		}
		return a / v;
	case BPF_MOD:
		if (v == 0) {
			*why = "modulo by zero";
			return 0;
		}
		return a % v;
	case BPF_AND: return a & v;
	case BPF_OR: return a | v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v >= 32 ? 0 : a << v;
	case BPF_RSH: return v >= 32 ? 0 : a >> v;
	case BPF_NEG: return -a;
	default:
		*why = "unknown ALU operation";
		return 0;
	}
}

uint32_t bpf_eval(const struct sock_filter *prog, size_t n,
		  const struct seccomp_data *d, const char **why)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = NULL;
	for (size_t pc = 0; pc < n; pc++) {
		const struct sock_filter *f = &prog[pc];
		uint16_t cls = BPF_CLASS(f->code);
		switch (cls) {
		case BPF_LD:
		case BPF_LDX: {
			uint32_t v;
			switch (BPF_MODE(f->code)) {
			case BPF_ABS:
				if (cls != BPF_LD || BPF_SIZE(f->code) != BPF_W ||
				    load_word(d, f->k, &v) < 0) {
					*why = "bad absolute load";
					return BPF_EVAL_BAD;
				}
				break;
			case BPF_IMM: v = f->k; break;
			case BPF_MEM:
				if (f->k >= BPF_MEMWORDS) {
					*why = "scratch index out of range";
					return BPF_EVAL_BAD;
				}
				v = mem[f->k];
				break;
			case BPF_LEN: v = sizeof(*d); break;
			default:
				*why = "load mode not allowed in seccomp";
				return BPF_EVAL_BAD;
			}
			if (cls == BPF_LD)
				a = v;
			else
				x = v;
			break;
		}
		case BPF_ST:
		case BPF_STX:
			if (f->k >= BPF_MEMWORDS) {
				*why = "scratch index out of range";
				return BPF_EVAL_BAD;
			}
			mem[f->k] = cls == BPF_ST ? a : x;
			break;
		case BPF_ALU:
			a = alu(BPF_OP(f->code), a, BPF_SRC(f->code) == BPF_X ? x : f->k, why);
			if (*why)
				return BPF_EVAL_BAD;
			break;
		case BPF_JMP: {
			uint32_t v = BPF_SRC(f->code) == BPF_X ? x : f->k;
			size_t off;
			int cond;
			switch (BPF_OP(f->code)) {
			case BPF_JA:
				off = f->k;
				goto jump;
			case BPF_JEQ: cond = a == v; break;
			case BPF_JGT: cond = a > v; break;
			case BPF_JGE: cond = a >= v; break;
			case BPF_JSET: cond = (a & v) != 0; break;
			default:
				*why = "unknown jump";
				return BPF_EVAL_BAD;
			}
			off = cond ? f->jt : f->jf;
		jump:
			if (off >= n - pc - 1) {
				*why = "jump out of the program";
				return BPF_EVAL_BAD;
			}
			pc += off;
			break;
		}
		case BPF_RET:
			return BPF_RVAL(f->code) == BPF_A ? a : f->k;
		case BPF_MISC:
			if (BPF_MISCOP(f->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		default:
			*why = "unknown instruction class";
			return BPF_EVAL_BAD;
		}
	}
	*why = "fell off the end of the program";
	return BPF_EVAL_BAD;
}

struct seccomp_data bpf_data(int nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = nr;
	d.arch = AUDIT_ARCH_X86_64;
	d.args[0] = a0;
	d.args[1] = a1;
	d.args[2] = a2;
	return d;
}
