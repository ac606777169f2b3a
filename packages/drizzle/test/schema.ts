/** The drizzle schema the tests and the differential share, and migrations that create it. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { relations } from 'drizzle-orm';
import {
  bigint,
  binary,
  boolean,
  char,
  date,
  datetime,
  decimal,
  double,
  float,
  int,
  json,
  mediumint,
  singlestoreEnum,
  singlestoreTable,
  smallint,
  text,
  time,
  timestamp,
  tinyint,
  varbinary,
  varchar,
  year,
} from 'drizzle-orm/singlestore-core';

export const users = singlestoreTable('users', {
  id: int('id').autoincrement().primaryKey(),
  name: varchar('name', { length: 64 }).notNull().unique(),
  city: varchar('city', { length: 64 }),
});

export const posts = singlestoreTable('posts', {
  id: int('id').autoincrement().primaryKey(),
  authorId: int('author_id').notNull(),
  title: text('title').notNull(),
  likes: int('likes').notNull().default(0),
});

export const kitchen = singlestoreTable('kitchen', {
  id: bigint('id', { mode: 'bigint' }).autoincrement().primaryKey(),
  tiny: tinyint('tiny'),
  small: smallint('small'),
  medium: mediumint('medium'),
  i: int('i'),
  bigExact: bigint('big_exact', { mode: 'bigint' }),
  bigNumber: bigint('big_number', { mode: 'number' }),
  ubig: bigint('ubig', { mode: 'bigint', unsigned: true }),
  f: float('f'),
  d: double('d'),
  price: decimal('price', { precision: 30, scale: 10 }),
  flag: boolean('flag'),
  code: char('code', { length: 3 }),
  name: varchar('name', { length: 100 }),
  body: text('body'),
  kind: singlestoreEnum('kind', ['a', 'b']),
  at: datetime('at', { mode: 'date' }),
  atText: datetime('at_text', { mode: 'string' }),
  stamp: timestamp('stamp', { mode: 'date' }),
  day: date('day', { mode: 'date' }),
  dayText: date('day_text', { mode: 'string' }),
  clock: time('clock'),
  yr: year('yr'),
  doc: json('doc'),
  bin: binary('bin', { length: 4 }),
  vbin: varbinary('vbin', { length: 16 }),
});

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
export const postsRelations = relations(posts, ({ one }) => ({ author: one(users, { fields: [posts.authorId], references: [users.id] }) }));
export const schema = { users, posts, kitchen, usersRelations, postsRelations };

/** What drizzle-kit would write for this schema (two migrations, the second adding a column). */
const MIGRATIONS: [tag: string, statements: string[]][] = [
  [
    '0000_init',
    [
      'CREATE TABLE `users` (`id` int AUTO_INCREMENT NOT NULL, `name` varchar(64) NOT NULL, PRIMARY KEY(`id`), CONSTRAINT `users_name_unique` UNIQUE(`name`))',
      'CREATE TABLE `posts` (`id` int AUTO_INCREMENT NOT NULL, `author_id` int NOT NULL, `title` text NOT NULL, `likes` int NOT NULL DEFAULT 0, PRIMARY KEY(`id`))',
      'CREATE TABLE `kitchen` (`id` bigint AUTO_INCREMENT NOT NULL, `tiny` tinyint, `small` smallint, `medium` mediumint, `i` int, ' +
        '`big_exact` bigint, `big_number` bigint, `ubig` bigint unsigned, `f` float, `d` double, `price` decimal(30,10), `flag` boolean, ' +
        "`code` char(3), `name` varchar(100), `body` text, `kind` enum('a','b'), `at` datetime(3), `at_text` datetime(6), `stamp` timestamp NULL, " +
        '`day` date, `day_text` date, `clock` time(6), `yr` year, `doc` json, `bin` binary(4), `vbin` varbinary(16), PRIMARY KEY(`id`))',
    ],
  ],
  ['0001_city', ['ALTER TABLE `users` ADD `city` varchar(64)']],
];

/** A migrations folder in drizzle-kit's layout (`meta/_journal.json` + one .sql per migration). */
export function writeMigrations(count = MIGRATIONS.length): string {
  const dir = mkdtempSync(join(tmpdir(), 's2-drizzle-mig-'));
  mkdirSync(join(dir, 'meta'));
  const entries = MIGRATIONS.slice(0, count).map(([tag, statements], idx) => {
    writeFileSync(join(dir, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n'));
    return { idx, version: '5', when: 1_700_000_000_000 + idx * 1000, tag, breakpoints: true };
  });
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'singlestore', entries }));
  return dir;
}

/** One row with every column set, as the tests insert it. */
export const fullRow = {
  tiny: -128,
  small: 32767,
  medium: -8388608,
  i: 2147483647,
  bigExact: 9007199254740993n,
  bigNumber: 42,
  ubig: 18446744073709551615n,
  f: 1.5,
  d: 0.1,
  price: '12345678901234567890.0123456789',
  flag: true,
  code: 'abc',
  name: "O'Brien \u{1F600}",
  body: 'x'.repeat(3000),
  kind: 'b' as const,
  at: new Date('2024-02-29T23:59:59.123Z'),
  atText: '2024-02-29 23:59:59.123456',
  stamp: new Date('2024-03-01T10:00:00Z'),
  day: new Date('2024-03-01T00:00:00Z'),
  dayText: '1999-12-31',
  clock: '-12:30:00.000001',
  yr: 2024,
  doc: { a: [1, 2], s: 'ü' },
  bin: 'abcd',
  vbin: 'hey',
};
