-- Loads the real churn data sets (make data: data/wa_churn.csv, data/mlc_churn.csv) into
-- public.wa_churn and public.mlc_churn, with is_test marking the committed scikit-learn test
-- split (tests/fixtures/churn_split). Run from the repository root (\copy paths are relative).
DROP TABLE IF EXISTS public.wa_churn, public.mlc_churn;
CREATE TABLE public.wa_churn (
    row_number int PRIMARY KEY, churn text, female int, senior_citizen int, partner int, dependents int,
    tenure int, phone_service int, multiple_lines text, internet_service text, online_security text,
    online_backup text, device_protection text, tech_support text, streaming_tv text,
    streaming_movies text, contract text, paperless_billing int, payment_method text,
    monthly_charges double precision, total_charges double precision);
\copy public.wa_churn FROM 'data/wa_churn.csv' WITH (FORMAT csv, HEADER true)
CREATE TABLE public.mlc_churn (
    row_number int PRIMARY KEY, state text, account_length int, area_code text, international_plan text,
    voice_mail_plan text, number_vmail_messages int, total_day_minutes double precision,
    total_day_calls int, total_day_charge double precision, total_eve_minutes double precision,
    total_eve_calls int, total_eve_charge double precision, total_night_minutes double precision,
    total_night_calls int, total_night_charge double precision, total_intl_minutes double precision,
    total_intl_calls int, total_intl_charge double precision, number_customer_service_calls int, churn text);
\copy public.mlc_churn FROM 'data/mlc_churn.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMP TABLE split_rows (row_number int);
\copy split_rows FROM 'tests/fixtures/churn_split/wa_churn_test_rows.txt'
ALTER TABLE public.wa_churn ADD COLUMN is_test boolean;
UPDATE public.wa_churn SET is_test = row_number IN (SELECT row_number FROM split_rows);
TRUNCATE split_rows;
\copy split_rows FROM 'tests/fixtures/churn_split/mlc_churn_test_rows.txt'
ALTER TABLE public.mlc_churn ADD COLUMN is_test boolean;
UPDATE public.mlc_churn SET is_test = row_number IN (SELECT row_number FROM split_rows);
DROP TABLE split_rows;
