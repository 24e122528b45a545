// Who pays for user memory, so that no user can take what the others need
// (docs/user-abi.md, "Limits"). Every page a user address space holds (its
// data, its copy-on-write copies, its page tables, a shared mapping's pages
// and page index) is charged to one account, that of a real uid: the account
// of the process that made the space (exec) or copied it (fork), or that
// made the shared mapping. A page stays charged to that account until it is
// freed, whoever holds it by then.
//
// The rule: an account other than root's holds at most `user_share` pages,
// and never takes one of the last `root_reserve` free pages of the system.
// Root's account is bound by memory alone.
//
// Lifetime: an account is found (or made) by uid and held by its holders
// (credentials, address spaces, shared objects); each page charged to it
// keeps it too. It is freed, under the accounts' lock, when it has neither
// holders nor pages. Charges are made only by a holder, so a charge never
// meets an account being freed.
#pragma once
#include <stdint.h>

#include "kernel/mm/page_alloc.h"

struct MemAccount {
  MemAccount* next;  // the accounts' list (their lock)
  uint32_t uid;
  uint32_t holders;  // atomic; 0 -> 1 only under the accounts' lock
  uint64_t pages;    // charged pages (atomic); 1 -> 0 only under the accounts' lock
};

struct MemRule {
  uint64_t user_share;    // pages one account other than root's may hold
  uint64_t root_reserve;  // free pages that only root's account may take
};
// The rule in force. At boot: half of the managed pages, and a sixteenth.
void mem_account_set_rule(const MemRule& r);
MemRule mem_account_rule();
void mem_account_init();

// uid's account with one more holder, or nullptr (no memory for it).
[[nodiscard]] MemAccount* mem_account_get(uint32_t uid);
void mem_account_hold(MemAccount* a);
void mem_account_release(MemAccount* a);

// Charges n pages to a (held by the caller), or refuses (false) and charges
// nothing. a == nullptr charges no one (kernel-owned memory).
[[nodiscard]] bool mem_charge(MemAccount* a, uint64_t n);
void mem_uncharge(MemAccount* a, uint64_t n);

// page_alloc, charged to a: the block remembers its payer, and freeing it
// (page_free, the last page_put) gives the charge back.
[[nodiscard]] Page* page_alloc_charged(MemAccount* a, unsigned order, PageUse use,
                                       unsigned flags = 0);

// What uid's account holds now (0 when it has none), and how many accounts
// there are (for the tests: none is left behind).
uint64_t mem_account_pages(uint32_t uid);
uint64_t mem_accounts_live();
