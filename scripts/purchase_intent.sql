-- Purchase intent from order lines (issue 32), as a shop would write it: for every (user,
-- product) bought before the user's last order, features of the history before that order and
-- whether the last order contained it. Needs public.order_lines (user_id, order_id,
-- order_number, product_id); writes public.purchase_intent. Run by tests/sql/tabular_real.sql
-- and benches/tabular_bench.py.
DROP TABLE IF EXISTS public.purchase_intent;
CREATE TABLE public.purchase_intent AS
WITH last AS (
    SELECT user_id, max(order_number) AS last_order FROM public.order_lines GROUP BY user_id
), prior AS (
    SELECT l.* FROM public.order_lines l JOIN last USING (user_id) WHERE l.order_number < last.last_order
), users AS (
    SELECT user_id, count(DISTINCT order_number) AS user_orders, count(*)::float8 / count(DISTINCT order_number) AS basket_size,
           count(DISTINCT product_id) AS user_products
    FROM prior GROUP BY user_id
), products AS (
    -- how often a product is bought again by the same user, over every prior line
    SELECT product_id, count(*) AS product_lines, count(DISTINCT user_id) AS product_users,
           avg((order_number > first_order)::int) AS product_reorder_rate
    FROM (SELECT p.*, min(order_number) OVER (PARTITION BY user_id, product_id) AS first_order FROM prior p) x
    GROUP BY product_id
), pairs AS (
    SELECT user_id, product_id, count(*) AS times_bought, min(order_number) AS first_order, max(order_number) AS last_bought
    FROM prior GROUP BY user_id, product_id
)
SELECT p.user_id, p.product_id,
       p.times_bought,
       p.times_bought::float8 / u.user_orders AS share_of_orders,
       last.last_order - p.last_bought AS orders_since_bought,
       (last.last_order - p.first_order) AS orders_since_first,
       p.times_bought::float8 / (last.last_order - p.first_order) AS rate_since_first,
       u.user_orders, u.basket_size, u.user_products,
       pr.product_lines, pr.product_users, pr.product_reorder_rate,
       EXISTS (SELECT 1 FROM public.order_lines o WHERE o.user_id = p.user_id AND o.product_id = p.product_id
                                                    AND o.order_number = last.last_order) AS in_last_order,
       p.user_id % 5 = 0 AS is_test
FROM pairs p JOIN users u USING (user_id) JOIN last USING (user_id) JOIN products pr USING (product_id);
