-- Standard read-only fixtures, ported from the reference SDK's test.sql to MariaDB.
-- SingleStore-only pieces (ECHO, VECTOR, GEOGRAPHY, columnstore) are left out; see the README.

CREATE TABLE data (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  value BIGINT NOT NULL
) DEFAULT CHARSET = utf8 COLLATE utf8_unicode_ci;
INSERT INTO data VALUES ('a','antelopes',2),('b','bears',2),('c','cats',5),('d','dogs',4),('e','elephants',0);

CREATE TABLE longer_data (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  value BIGINT NOT NULL
) DEFAULT CHARSET = utf8 COLLATE utf8_unicode_ci;
INSERT INTO longer_data VALUES ('a','antelopes',2),('b','bears',2),('c','cats',5),('d','dogs',4),('e','elephants',0),
  ('f','ferrets',2),('g','gorillas',4),('h','horses',6),('i','iguanas',2),('j','jaguars',0),('k','kiwis',0),('l','leopards',1);

CREATE TABLE data_with_nulls (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name VARCHAR(255),
  value BIGINT
) DEFAULT CHARSET = utf8 COLLATE utf8_unicode_ci;
INSERT INTO data_with_nulls VALUES ('a','antelopes',2),('b',NULL,2),('c',NULL,5),('d','dogs',NULL),('e','elephants',0);

CREATE TABLE alltypes (
  `id` INT(11),
  `tinyint` TINYINT, `unsigned_tinyint` TINYINT UNSIGNED, `bool` BOOL, `boolean` BOOLEAN,
  `smallint` SMALLINT, `unsigned_smallint` SMALLINT UNSIGNED,
  `mediumint` MEDIUMINT, `unsigned_mediumint` MEDIUMINT UNSIGNED,
  `int24` MEDIUMINT, `unsigned_int24` MEDIUMINT UNSIGNED,
  `int` INT, `unsigned_int` INT UNSIGNED, `integer` INTEGER, `unsigned_integer` INTEGER UNSIGNED,
  `bigint` BIGINT, `unsigned_bigint` BIGINT UNSIGNED,
  `float` FLOAT, `double` DOUBLE, `real` REAL,
  `decimal` DECIMAL(20,6), `dec` DEC(20,6), `fixed` FIXED(20,6), `numeric` NUMERIC(20,6),
  `date` DATE, `time` TIME, `time_6` TIME(6), `datetime` DATETIME, `datetime_6` DATETIME(6),
  `timestamp` TIMESTAMP NULL DEFAULT NULL, `timestamp_6` TIMESTAMP(6) NULL DEFAULT NULL, `year` YEAR,
  `char_100` CHAR(100), `binary_100` BINARY(100), `varchar_200` VARCHAR(200), `varbinary_200` VARBINARY(200),
  `longtext` LONGTEXT, `mediumtext` MEDIUMTEXT, `text` TEXT, `tinytext` TINYTEXT,
  `longblob` LONGBLOB, `mediumblob` MEDIUMBLOB, `blob` BLOB, `tinyblob` TINYBLOB,
  `json` JSON, `enum` ENUM('one','two','three'), `set` SET('one','two','three'), `bit` BIT(64)
) DEFAULT CHARSET = utf8mb4 COLLATE utf8mb4_unicode_ci;

INSERT INTO alltypes VALUES (0,
  80, 85, 0, 1, -27897, 27897, 104729, 120999, -200899, 407709,
  -1295369311, 3872362332, -1741727421, 3198387363, -266883847, 980007287362,
  -146486683.754744, -474646154.719356, -901409776.279346,
  28111097.610822, 389451155.931428, -143773416.044092, 866689461.300046,
  '8524-11-10', '00:07:00', '01:10:00.000002', '9948-03-11 15:29:22', '1756-10-29 02:02:42.000008',
  '1980-12-31 01:10:23', '1991-01-02 22:15:10.000006', 1923,
  'This is a test of a 100 character column.', 0x000102030405060708090A0B0C0D0E0F,
  'This is a test of a variable character column.', 0x000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F,
  'This is a longtext column.', 'This is a mediumtext column.', 'This is a text column.', 'This is a tinytext column.',
  0x000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F,
  0x000102030405060708090A0B0C0D0E0F000102030405060708090A0B0C0D0E0F,
  0x000102030405060708090A0B0C0D0E0F, 0x0A0B0C0D0E0F,
  '{"a": 10, "b": 2.75, "c": "hello world"}', 'one', 'two', 128);

INSERT INTO alltypes (`id`) VALUES (1);

INSERT INTO alltypes VALUES (2,
  -128, 0, -128, -128, -32768, 0, -8388608, 0, -8388608, 0,
  -2147483648, 0, -2147483648, 0, -9223372036854775808, 0,
  0, -1.7976931348623158e308, -1.7976931348623158e308,
  -99999999999999.999999, -99999999999999.999999, -99999999999999.999999, -99999999999999.999999,
  '1000-01-01', '-838:59:59', '-838:59:59', '1000-01-01 00:00:00', '1000-01-01 00:00:00',
  '1970-01-01 00:00:01', '1970-01-01 00:00:01', 1901,
  '', '', '', '', '', '', '', '', '', '', '', '',
  '{}', 'one', 'two', 0);

INSERT INTO alltypes VALUES (3,
  127, 255, 127, 127, 32767, 65535, 8388607, 16777215, 8388607, 16777215,
  2147483647, 4294967295, 2147483647, 4294967295, 9223372036854775807, 18446744073709551615,
  0, 1.7976931348623158e308, 1.7976931348623158e308,
  99999999999999.999999, 99999999999999.999999, 99999999999999.999999, 99999999999999.999999,
  '9999-12-31', '838:59:59', '838:59:59', '9999-12-31 23:59:59', '9999-12-31 23:59:59.999999',
  '2038-01-18 21:14:07', '2038-01-18 21:14:07', 2155,
  '', '', '', '', '', '', '', '', '', '', '', '',
  '{}', 'one', 'two', 18446744073709551615);

INSERT INTO alltypes VALUES (4,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0,
  0, 0, 0,
  0, 0, 0, 0,
  NULL, '00:00:00', '00:00:00', NULL, NULL,
  NULL, NULL, NULL,
  '', '', '', '', '', '', '', '', '', '', '', '',
  '{}', 'one', 'two', 0);

CREATE TABLE badutf8 (text VARCHAR(255) CHARACTER SET utf8mb4);
INSERT INTO badutf8 VALUES ('🥷🧙👻.eth'), ('🥒rick.eth');

CREATE TABLE test_val_with_percent (i VARCHAR(16));
INSERT INTO test_val_with_percent VALUES ('a%a');

DELIMITER //
CREATE PROCEDURE get_animal(nm VARCHAR(255))
BEGIN
  SELECT value FROM data WHERE name = nm;
  SELECT 1, 2, 3;
END //
CREATE PROCEDURE no_args()
BEGIN
  SELECT 4, 5, 6;
END //
DELIMITER ;
